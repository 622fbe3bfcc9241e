/**
 * The emulator's RTMPS ingest endpoint: TLS with a self-signed certificate made at start, RTMP
 * publishing inside (session.ts). A publish is accepted only under application "app" with a
 * valid stream key of a channel (or of a stage ingest configuration); while media flows the
 * channel is LIVE with health, start time and the bitrate seen, and OFFLINE on disconnect.
 * Media that breaks IVS's ingest rules (ingest-rules.ts) disconnects the publisher: for a stage, after
 * a PUBLISH_ERROR participant event with the rule's error code; for a channel the session ends
 * ("Session Ended": the low-latency guide's EventBridge page documents no reason code for a
 * single-track stream that breaks a limit, only for multitrack).
 */
import { createServer, type Server, type TLSSocket } from "node:tls";
import { KIND, type ChannelDoc, type StreamKeyDoc } from "../ivs.ts";
import { INGEST_CONFIG_KIND, type IngestConfigurationDoc } from "../ivs-realtime-ingest.ts";
import { ingestPublisherJoined, ingestPublisherLeft } from "../ivs-realtime.ts";
import { BitrateWindow, channelViolation, stageViolation, type IngestViolation, type SeenMedia } from "./ingest-rules.ts";
import type { Store } from "../store.ts";
import { endStream, startStream, updateStreamIngest, type IngestStats, type StreamDoc } from "../streams.ts";
import { selfSignedCertificate } from "./cert.ts";
import { hasCompositionOffset, parseAudioTag, parseVideoTag, videoFromMetadata, type AudioInfo, type VideoInfo } from "./media.ts";
import { MSG, RtmpSession } from "./session.ts";

export interface IngestListenerOptions {
  store: Store;
  hostname: string;
  /** 0: any free port. */
  port: number;
  now?: () => Date;
  /** No media for this long: health STARVING (default 5 s). */
  starvingAfterMs?: number;
  /** No media for this long: the stream ends, as IVS ends it after 30 s (default 30 s). */
  endAfterMs?: number;
}

export interface IngestListener {
  port: number;
  /** Drop the publisher of this channel or ingest configuration ARN (StopStream, forced delete). */
  disconnect(arn: string): boolean;
  /** Publishers connected now, by target ARN. */
  publishers(): { arn: string; kind: "channel" | "stage"; bytes: number; bitrateBps: number }[];
  stop(): Promise<void>;
}

type Target = { kind: "channel"; channel: ChannelDoc } | { kind: "stage"; config: IngestConfigurationDoc };

class Publisher {
  bytes = 0;
  videoBytes = 0;
  audioBytes = 0;
  lastMediaAt = Date.now();
  live = false;
  video: VideoInfo = {};
  audio: AudioInfo = {};
  bFrames = false;
  windowStart = Date.now();
  windowVideo = 0;
  windowAudio = 0;
  bitrateBps = 0;
  /** Frame size from the SPS, which wins over the encoder's onMetaData. */
  sps?: { width: number; height: number };
  /** By media timestamps, for the rules' 5-second average. */
  readonly mediaWindow = new BitrateWindow();
  violation?: IngestViolation;
  videoFrames = 0;
  private videoBps = 0;
  private audioBps = 0;
  constructor(
    readonly arn: string,
    readonly target: Target,
    readonly socket: TLSSocket,
  ) {}

  /** Close the one-second measuring window: bits per second of each kind of media. */
  rollWindow(t: number): void {
    const elapsed = t - this.windowStart;
    if (elapsed < 500) return;
    this.videoBps = Math.round((this.windowVideo * 8 * 1000) / elapsed);
    this.audioBps = Math.round((this.windowAudio * 8 * 1000) / elapsed);
    this.bitrateBps = this.videoBps + this.audioBps;
    this.windowStart = t;
    this.windowVideo = 0;
    this.windowAudio = 0;
  }

  windowBitrate(kind: "video" | "audio"): number {
    return kind === "video" ? this.videoBps : this.audioBps;
  }
}

export async function startIngestListener(opts: IngestListenerOptions): Promise<IngestListener> {
  const { store } = opts;
  const now = opts.now ?? (() => new Date());
  const starvingAfter = opts.starvingAfterMs ?? 5_000;
  const endAfter = opts.endAfterMs ?? 30_000;
  const active = new Map<string, Publisher>();

  // A previous emulator process may have left streams LIVE: nobody publishes to a fresh listener.
  for (const s of store.list<StreamDoc>(KIND.stream)) if (s.state === "LIVE") endStream(store, s.channelArn, now(), "Session Ended");
  for (const c of store.list<IngestConfigurationDoc>(INGEST_CONFIG_KIND)) {
    if (c.state === "ACTIVE") store.put(INGEST_CONFIG_KIND, c.arn, { ...c, state: "INACTIVE" });
  }

  const findTarget = (key: string): Target | undefined => {
    const sk = store.list<StreamKeyDoc>(KIND.streamKey).find((k) => k.value === key);
    if (sk) {
      const channel = store.get<ChannelDoc>(KIND.channel, sk.channelArn);
      return channel ? { kind: "channel", channel } : undefined;
    }
    const config = store.list<IngestConfigurationDoc>(INGEST_CONFIG_KIND).find((c) => c.streamKey === key);
    return config ? { kind: "stage", config } : undefined;
  };

  const stats = (p: Publisher): IngestStats => ({
    video: { ...p.video, ...p.sps, bitrateBps: p.windowBitrate("video") },
    audio: { ...p.audio, bitrateBps: p.windowBitrate("audio") },
  });

  const goLive = (p: Publisher) => {
    p.live = true;
    if (p.target.kind === "channel") startStream(store, p.target.channel, now(), stats(p));
    else {
      store.update<IngestConfigurationDoc>(INGEST_CONFIG_KIND, p.arn, (c) => ({ ...c, state: "ACTIVE" }));
      ingestPublisherJoined(store, p.target.config, now());
    }
  };

  const violationOf = (p: Publisher): IngestViolation | undefined => {
    const seen: SeenMedia = {
      videoCodec: p.video.codec,
      avcProfile: p.video.avcProfile,
      width: p.sps?.width,
      height: p.sps?.height,
      bFrames: p.bFrames,
      videoFrames: p.videoFrames,
      audioCodec: p.audio.codec,
      ...p.mediaWindow.average(),
    };
    return p.target.kind === "stage" ? stageViolation(seen) : channelViolation(p.target.channel.type, seen);
  };

  const finish = (p: Publisher) => {
    if (active.get(p.arn) !== p) return;
    active.delete(p.arn);
    if (!p.live) return;
    if (p.target.kind === "channel") {
      updateStreamIngest(store, p.arn, stats(p));
      endStream(store, p.arn, now());
    } else {
      store.update<IngestConfigurationDoc>(INGEST_CONFIG_KIND, p.arn, (c) => ({ ...c, state: "INACTIVE" }));
      ingestPublisherLeft(store, p.target.config, now(), p.violation?.code);
    }
  };

  const { cert, key } = selfSignedCertificate(["localhost", "127.0.0.1", opts.hostname].filter((h, i, a) => a.indexOf(h) === i));
  const server: Server = createServer({ cert, key, minVersion: "TLSv1.2" }, (socket) => {
    let publisher: Publisher | undefined;
    socket.setNoDelay(true);
    const session = new RtmpSession({
      send: (data) => {
        if (!socket.destroyed) socket.write(data);
      },
      close: () => socket.end(),
      publish(app, streamName) {
        const key = streamName.split("?")[0]!;
        if (app !== "app") return { ok: false, reason: `unknown application "${app}": publish to /app/<stream key>` };
        const target = findTarget(key);
        if (!target) return { ok: false, reason: "invalid stream key" };
        const arn = target.kind === "channel" ? target.channel.arn : target.config.arn;
        if (active.has(arn)) return { ok: false, reason: "a publisher is already connected with this stream key" };
        if (target.kind === "stage" && target.config.ingestProtocol !== "RTMPS") return { ok: false, reason: "this ingest configuration accepts RTMP, not RTMPS" };
        publisher = new Publisher(arn, target, socket);
        active.set(arn, publisher);
        return { ok: true };
      },
      unpublish() {
        if (publisher) finish(publisher);
      },
      media(type, timestamp, payload) {
        const p = publisher;
        if (!p || p.violation) return;
        p.mediaWindow.add(timestamp, type === MSG.video ? "video" : "audio", payload.length);
        p.bytes += payload.length;
        p.lastMediaAt = Date.now();
        if (type === MSG.video) {
          p.videoBytes += payload.length;
          p.windowVideo += payload.length;
          const info = parseVideoTag(payload);
          if (info) {
            const { width, height, ...rest } = info;
            p.video = { ...p.video, ...rest };
            if (width !== undefined && height !== undefined) p.sps = { width, height };
          }
          if (!p.bFrames && hasCompositionOffset(payload)) p.bFrames = true;
          if (payload.length > 1 && (payload[0]! & 0x0f) === 7 && payload[1] === 1) p.videoFrames++;
        } else {
          p.audioBytes += payload.length;
          p.windowAudio += payload.length;
          const info = parseAudioTag(payload);
          if (info) p.audio = { ...p.audio, ...info };
        }
        if (!p.live) goLive(p);
        const broken = violationOf(p);
        if (broken) {
          p.violation = broken;
          p.socket.destroy();
          finish(p);
        }
      },
      metadata(meta) {
        if (publisher) publisher.video = { ...publisher.video, ...stripUndefined(videoFromMetadata(meta)) };
      },
    });
    socket.on("data", (d: Buffer) => session.feed(d));
    socket.on("error", () => socket.destroy());
    socket.on("close", () => {
      if (publisher) finish(publisher);
    });
  });
  server.on("tlsClientError", () => {});

  // Once a second: bitrate of the last window, health, and the 30-second end of starved streams.
  const timer = setInterval(() => {
    const t = Date.now();
    for (const p of active.values()) {
      p.rollWindow(t);
      if (!p.live) continue;
      const idle = t - p.lastMediaAt;
      if (idle >= endAfter) {
        p.socket.destroy();
        finish(p);
        continue;
      }
      if (p.target.kind === "channel") updateStreamIngest(store, p.arn, stats(p), idle >= starvingAfter ? "STARVING" : "HEALTHY");
    }
  }, 1_000);
  timer.unref?.();

  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(opts.port, opts.hostname, () => resolve());
  });
  const address = server.address();
  const port = typeof address === "object" && address ? address.port : opts.port;

  return {
    port,
    disconnect(arn) {
      const p = active.get(arn);
      if (!p) return false;
      p.socket.destroy();
      finish(p);
      return true;
    },
    publishers: () => [...active.values()].map((p) => ({ arn: p.arn, kind: p.target.kind, bytes: p.bytes, bitrateBps: p.bitrateBps })),
    async stop() {
      clearInterval(timer);
      for (const p of [...active.values()]) {
        p.socket.destroy();
        finish(p);
      }
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

function stripUndefined<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}
