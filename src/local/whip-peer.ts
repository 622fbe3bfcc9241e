/**
 * The emulator's end of a WHIP session: one receive-only WebRTC peer (werift, pure TypeScript, so it
 * runs inside `bun build --compile`). The only file of src/local that knows werift.
 *
 * It offers what IVS accepts from a publisher (IVS real-time user guide, "Stage media requirements"
 * and "WHIP"): H.264 Constrained Baseline (profile-level-id 42e01f, packetization-mode 1) and Opus
 * 48 kHz stereo. It binds ICE to 127.0.0.1 only: the emulator answers loopback clients only.
 */
// werift -> @peculiar/x509 -> tsyringe throws at load unless the Reflect metadata polyfill ran first. In the
// compiled binary Bun initialises ES-module dependencies before CommonJS ones (reflect-metadata is CommonJS),
// so a static `import "werift"` runs tsyringe first whatever the import order: both are loaded on first use,
// the polyfill awaited first (which also keeps them off the CLI's start-up).
import type { MediaStreamTrack, RTCPeerConnection, RtpPacket } from "werift";
import { loadWerift } from "../contract/werift.ts";
import { stageViolation, type IngestViolation, type SeenMedia } from "./rtmp/ingest-rules.ts";
import { sliceType, spsFrameSize } from "./rtmp/media.ts";

export interface WhipPeerCounts {
  /** Complete video frames (RTP packets with the marker bit: the last packet of an access unit, RFC 6184 5.1). */
  videoFrames: number;
  videoPackets: number;
  audioPackets: number;
  /** Distinct RTP timestamps of the video stream that started with an IDR (NAL type 5) or SPS (7). */
  keyframes: number;
  videoCodec?: string;
  audioCodec?: string;
  /** From the stream's SPS (H.264 §7.3.2.1.1). */
  width?: number;
  height?: number;
  avcProfile?: number;
  /** A B slice was seen (slice_type 1 or 6). */
  bFrames: boolean;
}

export interface WhipPeer {
  answerSdp: string;
  counts: WhipPeerCounts;
  /** Called once, with why, when ICE or DTLS fails or the client closes. */
  onEnded(listener: (reason: string) => void): void;
  /** Called on the first media packet. */
  onMedia(listener: () => void): void;
  /** Called once when the media breaks a stage rule (the caller records PUBLISH_ERROR and ends the session). */
  onViolation(listener: (v: IngestViolation) => void): void;
  /** Ends the session the way a server should: a DTLS close_notify alert first, then closing the transport. */
  close(): Promise<void>;
}

export class WhipOfferError extends Error {}

const H264_CONSTRAINED_BASELINE = (RTCRtpCodecParameters: typeof import("werift").RTCRtpCodecParameters) =>
  new RTCRtpCodecParameters({
    mimeType: "video/H264",
    clockRate: 90000,
    rtcpFeedback: [{ type: "nack" }, { type: "nack", parameter: "pli" }],
    parameters: "profile-level-id=42e01f;packetization-mode=1;level-asymmetry-allowed=1",
  });
const OPUS = (RTCRtpCodecParameters: typeof import("werift").RTCRtpCodecParameters) => new RTCRtpCodecParameters({ mimeType: "audio/opus", clockRate: 48000, channels: 2 });

/**
 * The H.264 NAL units that start in an RTP payload (RFC 6184 5.6-5.8: a single NAL unit, STAP-A 24, or the
 * start fragment of an FU-A 28, rebuilt with its NAL header and its first bytes only).
 */
function nalUnits(payload: Buffer): Buffer[] {
  if (payload.length < 2) return [];
  const type = payload[0]! & 0x1f;
  if (type === 28) {
    if (!(payload[1]! & 0x80)) return [];
    return [Buffer.concat([Buffer.from([(payload[0]! & 0xe0) | (payload[1]! & 0x1f)]), payload.subarray(2)])];
  }
  if (type === 24) {
    const out: Buffer[] = [];
    for (let i = 1; i + 2 < payload.length; ) {
      const size = payload.readUInt16BE(i);
      out.push(payload.subarray(i + 2, i + 2 + size));
      i += 2 + size;
    }
    return out;
  }
  return [payload];
}

/**
 * IVS's stage media rules apply to WHIP as to RTMP (real-time user guide, "IVS Stream Ingest", Supported
 * Media Specifications: H.264 Baseline, B-frames 0, at most 720p; Opus for WHIP): the same verdict as the
 * RTMPS listener's (src/local/rtmp/ingest-rules.ts), fed from the RTP stream. Bitrate is not checked here.
 */
function violation(c: WhipPeerCounts): IngestViolation | undefined {
  const seen: SeenMedia = { videoCodec: "avc1", avcProfile: c.avcProfile, width: c.width, height: c.height, bFrames: c.bFrames, videoFrames: c.videoFrames };
  return stageViolation(seen);
}

/** Answers a WHIP offer. Throws WhipOfferError when the offer carries nothing IVS accepts. */
/**
 * A client that never completes ICE + DTLS (it vanished after its POST, or no path exists) must not stay a
 * CONNECTED participant forever: the session ends after this long (browsers give up ICE after about 30 s too).
 */
export const CONNECT_TIMEOUT_MS = 30_000;

export async function answerWhipOffer(offerSdp: string, opts: { connectTimeoutMs?: number } = {}): Promise<WhipPeer> {
  if (!/^v=0/m.test(offerSdp) || !/^m=/m.test(offerSdp)) throw new WhipOfferError("the body is not an SDP offer (RFC 8866: v= and m= lines)");
  // IVS takes H.264 only for video (VP8/VP9/AV1 are refused), with Opus audio.
  if (/^m=video/m.test(offerSdp) && !/a=rtpmap:\d+ H264\/90000/i.test(offerSdp)) throw new WhipOfferError("the offer's video has no H.264: IVS stages take H.264 Constrained Baseline");
  if (!/^m=video/m.test(offerSdp)) throw new WhipOfferError("the offer has no video: IVS stages take a video track (H.264) with optional Opus audio");
  const { RTCPeerConnection, RTCRtpCodecParameters } = await loadWerift();
  const pc = new RTCPeerConnection({
    codecs: { video: [H264_CONSTRAINED_BASELINE(RTCRtpCodecParameters)], audio: [OPUS(RTCRtpCodecParameters)] },
    // Loopback only. (iceUseIpv6: false is not set: with it, werift 0.25 sends from a socket the peer
    // does not expect, and the close_notify below never arrives; measured.)
    iceInterfaceAddresses: { udp4: "127.0.0.1" },
  });
  const counts: WhipPeerCounts = { videoFrames: 0, videoPackets: 0, audioPackets: 0, keyframes: 0, bFrames: false };
  const violations: ((v: IngestViolation) => void)[] = [];
  let broken = false;
  const ended: ((reason: string) => void)[] = [];
  const media: (() => void)[] = [];
  let over = false;
  let sawMedia = false;
  const end = (reason: string) => {
    if (over) return;
    over = true;
    for (const l of ended) l(reason);
  };
  const mediaArrived = () => {
    if (sawMedia) return;
    sawMedia = true;
    for (const l of media) l();
  };
  let lastKeyTimestamp = -1;
  pc.onTrack.subscribe((track: MediaStreamTrack) => {
    track.onReceiveRtp.subscribe((rtp: RtpPacket) => {
      if (track.kind === "video") {
        counts.videoPackets++;
        if (rtp.header.marker) counts.videoFrames++;
        const units = nalUnits(rtp.payload);
        const types = units.map((u) => u[0]! & 0x1f);
        if ((types.includes(5) || types.includes(7)) && rtp.header.timestamp !== lastKeyTimestamp) {
          lastKeyTimestamp = rtp.header.timestamp;
          counts.keyframes++;
        }
        for (const unit of units) {
          if ((unit[0]! & 0x1f) === 7) {
            counts.avcProfile = unit[1];
            const size = spsFrameSize(unit);
            if (size) Object.assign(counts, size);
          }
          const st = sliceType(unit);
          if (st !== undefined && st % 5 === 1) counts.bFrames = true;
        }
        const v = broken ? undefined : violation(counts);
        if (v) {
          broken = true;
          for (const l of violations) l(v);
        }
      } else counts.audioPackets++;
      mediaArrived();
    });
  });
  const connectTimer = setTimeout(() => {
    if (pc.connectionState !== "connected") {
      end(`ICE and DTLS did not complete within ${(opts.connectTimeoutMs ?? CONNECT_TIMEOUT_MS) / 1000} s`);
      void pc.close().catch(() => {});
    }
  }, opts.connectTimeoutMs ?? CONNECT_TIMEOUT_MS);
  (connectTimer as { unref?: () => void }).unref?.();
  pc.connectionStateChange.subscribe((state) => {
    if (state === "connected") clearTimeout(connectTimer);
    if (state === "failed") end("ICE or DTLS failed");
    if (state === "closed") end("the client closed the connection");
  });
  try {
    await pc.setRemoteDescription({ type: "offer", sdp: offerSdp });
    await pc.setLocalDescription(await pc.createAnswer());
  } catch (e) {
    clearTimeout(connectTimer);
    await pc.close().catch(() => {});
    throw new WhipOfferError(`the SDP offer cannot be answered: ${(e as Error).message}`);
  }
  for (const t of pc.getTransceivers()) {
    const codec: string | undefined = (t as any).codecs?.[0]?.mimeType;
    if (t.kind === "video") counts.videoCodec = codec;
    if (t.kind === "audio") counts.audioCodec = codec;
  }
  return {
    answerSdp: pc.localDescription!.sdp,
    counts,
    onEnded: (l) => void ended.push(l),
    onMedia: (l) => void media.push(l),
    onViolation: (l) => void violations.push(l),
    async close() {
      clearTimeout(connectTimer);
      if (over && pc.connectionState === "closed") return;
      await sendCloseNotify(pc).catch(() => {});
      over = true;
      await pc.close().catch(() => {});
    },
  };
}

/**
 * A DTLS close_notify alert (RFC 6347 4.1 / RFC 5246 7.2.1: level warning 1, description 0), so the
 * client learns at once that the session is over instead of after the ICE consent timeout (RFC 7675,
 * 30 s). werift 0.25 has no API to send an alert ("todo impl send alert" in its RTCDtlsTransport.stop),
 * so this encrypts one record through its DTLS socket's cipher, with the record type switched from
 * application data (23) to alert (21). Pinned to werift's internals: a test proves a client notices.
 */
async function sendCloseNotify(pc: RTCPeerConnection): Promise<void> {
  for (const transport of pc.dtlsTransports) {
    const socket = (transport as any).dtls;
    const cipher = socket?.cipher;
    // The server's DTLS (the client role) finishes a moment after the publisher's: a close right after the
    // publisher connected finds it "connecting", without keys yet. Wait for it, briefly (measured: flaky without).
    for (let i = 0; i < 100 && transport.state === "connecting"; i++) await new Promise((r) => setTimeout(r, 10));
    if (!socket || !cipher || transport.state !== "connected") continue;
    const encrypt = cipher.encryptPacket;
    cipher.encryptPacket = (pkt: any) => {
      pkt.recordLayerHeader.contentType = 21;
      return encrypt.call(cipher, pkt);
    };
    try {
      await socket.send(Buffer.from([1, 0]));
    } finally {
      cipher.encryptPacket = encrypt;
    }
  }
}
