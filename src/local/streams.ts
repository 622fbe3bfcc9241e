/**
 * Live stream state in the emulator, shared by what makes streams (the RTMPS ingest listener) and
 * what reads them (GetStream, ListStreams, StopStream, stream sessions, PutMetadata).
 */
import { KIND } from "./ivs.ts";
import type { Store } from "./store.ts";

export const SESSION_KIND = "ivs:stream-session";

export interface StreamDoc {
  channelArn: string;
  streamId: string;
  playbackUrl: string;
  startTime: string;
  state: "LIVE" | "OFFLINE";
  health: "HEALTHY" | "STARVING" | "UNKNOWN";
  viewerCount: number;
}

export interface IngestStats {
  /** Video and audio as seen by the listener (codec, resolution, framerate, bitrate). */
  video?: { codec?: string; width?: number; height?: number; framerate?: number; bitrateBps?: number; encoder?: string };
  audio?: { codec?: string; sampleRate?: number; channels?: number; bitrateBps?: number };
}

export interface StreamSessionDoc {
  streamId: string;
  channelArn: string;
  startTime: string;
  endTime?: string;
  ingest: IngestStats;
  events: { name: string; type: string; eventTime: string }[];
}

export function newStreamId(): string {
  // IVS stream ids are 26 characters: st- plus 23 alphanumerics (the API model's StreamId min=max=26).
  const chars = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
  let id = "st-";
  const seed = crypto.getRandomValues(new Uint8Array(23));
  for (const b of seed) id += chars[b % chars.length];
  return id;
}

/** A publisher started sending media: the channel goes LIVE and a stream session opens. */
export function startStream(store: Store, channel: { arn: string; playbackUrl: string }, now: Date, ingest: IngestStats = {}): StreamDoc {
  const stream: StreamDoc = {
    channelArn: channel.arn,
    streamId: newStreamId(),
    playbackUrl: channel.playbackUrl,
    startTime: now.toISOString(),
    state: "LIVE",
    health: "HEALTHY",
    viewerCount: 0,
  };
  store.put(KIND.stream, channel.arn, stream);
  store.put<StreamSessionDoc>(SESSION_KIND, stream.streamId, {
    streamId: stream.streamId,
    channelArn: channel.arn,
    startTime: stream.startTime,
    ingest,
    events: [{ name: "Session Created", type: "IVS Stream State Change", eventTime: stream.startTime }],
  });
  return stream;
}

/** Media statistics from the listener while the stream is live. */
export function updateStreamIngest(store: Store, channelArn: string, ingest: IngestStats, health: StreamDoc["health"] = "HEALTHY"): void {
  const stream = store.get<StreamDoc>(KIND.stream, channelArn);
  if (!stream || stream.state !== "LIVE") return;
  if (stream.health !== health) store.put(KIND.stream, channelArn, { ...stream, health });
  store.update<StreamSessionDoc>(SESSION_KIND, stream.streamId, (s) => ({ ...s, ingest: { ...s.ingest, ...ingest } }));
}

/** The publisher left (or StopStream): the channel goes OFFLINE and the session ends. */
export function endStream(store: Store, channelArn: string, now: Date, reason = "Session Ended"): void {
  const stream = store.get<StreamDoc>(KIND.stream, channelArn);
  if (!stream || stream.state !== "LIVE") return;
  store.put(KIND.stream, channelArn, { ...stream, state: "OFFLINE", health: "UNKNOWN" });
  store.update<StreamSessionDoc>(SESSION_KIND, stream.streamId, (s) => ({
    ...s,
    endTime: now.toISOString(),
    events: [...s.events, { name: reason, type: "IVS Stream State Change", eventTime: now.toISOString() }],
  }));
}
