/**
 * The media rules IVS enforces on RTMP(S) ingest, as a pure function of what the listener has seen.
 * A broken rule disconnects the publisher.
 *
 * Stages (IVS real-time user guide, "IVS Stream Ingest", Supported Media Specifications,
 * https://docs.aws.amazon.com/ivs/latest/RealTimeUserGuide/rt-stream-ingest.html): H.264 Baseline,
 * B-frames 0 ("the stream will be disconnected"), at most 720p, at most 8.5 Mbps; AAC-LC at most
 * 160 kbps. Error codes are the real-time API's EventErrorCode (API reference, Event.errorCode).
 * Frame rate (10-60) and IDR interval are not checked here.
 *
 * Channels (low-latency user guide, channel types; /work/shared/REFERENCE.md "Input limits"): BASIC
 * up to 1.5 Mbps at 480p and below and 3.5 Mbps above, up to 1080p; STANDARD and ADVANCED up to
 * 1080p and 8.5 Mbps.
 *
 * Bitrate is video plus audio averaged over 5 seconds with a 10% tolerance: AWS documents neither
 * the window nor a tolerance, so both are this emulator's choice (a short spike must not
 * disconnect a stream that is within its limit on average).
 */

export const BITRATE_WINDOW_MS = 5_000;
export const BITRATE_TOLERANCE = 0.1;

export type IngestErrorCode = "B_FRAME_PRESENT" | "BITRATE_EXCEEDED" | "RESOLUTION_EXCEEDED" | "INVALID_VIDEO_CODEC" | "INVALID_AUDIO_CODEC";

export interface IngestViolation {
  code: IngestErrorCode;
  message: string;
}

export interface SeenMedia {
  /** "avc1.PPCCLL" or "flv-codec-N". */
  videoCodec?: string;
  avcProfile?: number;
  /** From the SPS. */
  width?: number;
  height?: number;
  bFrames: boolean;
  /** Coded video frames seen so far (not sequence headers). */
  videoFrames: number;
  /** "mp4a.40.2" is AAC-LC. */
  audioCodec?: string;
  /** Averages over the last BITRATE_WINDOW_MS, once that much media has been seen. */
  totalBps?: number;
  audioBps?: number;
}

const AVC_BASELINE = 66;
/**
 * The profile is known from the sequence header, before any frame; a Main/High stream with
 * B-frames should report B_FRAME_PRESENT (the documented, more specific code), so the profile
 * verdict waits for this many frames (about a second).
 */
const FRAMES_BEFORE_PROFILE_VERDICT = 30;
const AAC_LC = "mp4a.40.2";
const mbps = (bps: number) => `${(bps / 1e6).toFixed(2)} Mbps`;
const over = (bps: number | undefined, limit: number) => bps !== undefined && bps > limit * (1 + BITRATE_TOLERANCE);
/** A frame fits a "<N>p" limit when its short side is at most N and its long side at most 16:9 of it (854x480 is 480p). */
const fits = (m: SeenMedia, lines: number) => m.width === undefined || m.height === undefined || (Math.min(m.width, m.height) <= lines && Math.max(m.width, m.height) <= Math.ceil((lines * 16) / 9));

export function stageViolation(m: SeenMedia): IngestViolation | undefined {
  if (m.videoCodec !== undefined && !m.videoCodec.startsWith("avc1")) return { code: "INVALID_VIDEO_CODEC", message: `video codec ${m.videoCodec} is not H.264` };
  if (!fits(m, 720)) return { code: "RESOLUTION_EXCEEDED", message: `${m.width}x${m.height} is above 720p` };
  if (m.bFrames) return { code: "B_FRAME_PRESENT", message: "the stream holds B-frames" };
  if (m.avcProfile !== undefined && m.avcProfile !== AVC_BASELINE && m.videoFrames >= FRAMES_BEFORE_PROFILE_VERDICT) {
    return { code: "INVALID_VIDEO_CODEC", message: `H.264 profile ${m.avcProfile} is not Baseline (66)` };
  }
  if (m.audioCodec !== undefined && m.audioCodec !== AAC_LC) return { code: "INVALID_AUDIO_CODEC", message: `audio codec ${m.audioCodec} is not AAC-LC` };
  if (over(m.totalBps, 8_500_000)) return { code: "BITRATE_EXCEEDED", message: `${mbps(m.totalBps!)} over 5 s is above 8.5 Mbps` };
  if (over(m.audioBps, 160_000)) return { code: "BITRATE_EXCEEDED", message: `audio ${Math.round(m.audioBps! / 1000)} kbps over 5 s is above 160 kbps` };
  return undefined;
}

export function channelViolation(type: string, m: SeenMedia): IngestViolation | undefined {
  if (!fits(m, 1080)) return { code: "RESOLUTION_EXCEEDED", message: `${m.width}x${m.height} is above 1080p` };
  const small = m.width !== undefined && m.height !== undefined && fits(m, 480);
  const limit = type === "BASIC" ? (small ? 1_500_000 : 3_500_000) : 8_500_000;
  if (over(m.totalBps, limit)) return { code: "BITRATE_EXCEEDED", message: `${mbps(m.totalBps!)} over 5 s is above the ${type} channel limit of ${mbps(limit)}` };
  return undefined;
}

/**
 * Bytes per second of media, by the media's own timestamps (RTMP message timestamps, ms), so the
 * measure does not depend on how fast the sender pushes; the average over the last BITRATE_WINDOW_MS.
 */
export class BitrateWindow {
  private slots = new Map<number, { video: number; audio: number }>();
  private first?: number;
  private latest = 0;

  add(timestampMs: number, kind: "video" | "audio", bytes: number): void {
    this.first ??= timestampMs;
    this.latest = Math.max(this.latest, timestampMs);
    const slot = Math.floor(timestampMs / 1000);
    const s = this.slots.get(slot) ?? { video: 0, audio: 0 };
    s[kind] += bytes;
    this.slots.set(slot, s);
    for (const k of this.slots.keys()) if (k < slot - BITRATE_WINDOW_MS / 1000) this.slots.delete(k);
  }

  /** Bits per second over the last whole window of media, or undefined until that much media was seen. */
  average(): { totalBps: number; audioBps: number } | undefined {
    if (this.first === undefined || this.latest - this.first < BITRATE_WINDOW_MS) return undefined;
    const end = Math.floor(this.latest / 1000); // the current second is still filling: leave it out
    let video = 0;
    let audio = 0;
    for (const [slot, s] of this.slots) {
      if (slot >= end || slot < end - BITRATE_WINDOW_MS / 1000) continue;
      video += s.video;
      audio += s.audio;
    }
    const seconds = BITRATE_WINDOW_MS / 1000;
    return { totalBps: ((video + audio) * 8) / seconds, audioBps: (audio * 8) / seconds };
  }
}
