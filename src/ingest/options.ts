/** `ivsctl ingest` options and the IVS input limits they are checked against. Pure: no SDK. */
import { usageError } from "../cli/errors.ts";

export interface Resolution {
  width: number;
  height: number;
}

export interface IngestOptions {
  channel?: string;
  stage?: string;
  /** Use this stage ingest configuration (ARN) instead of a temporary one. */
  ingestConfig?: string;
  keep: boolean;
  /** Any RTMP(S) server: base URL (…/app) or a full URL. */
  url?: string;
  /** Where the stream key comes from: a file, or "-" for stdin. */
  streamKeyFile?: string;
  file?: string;
  loop: boolean;
  resolution: Resolution;
  /** True when --resolution was given (otherwise it may be lowered for the target). */
  resolutionGiven: boolean;
  fps: number;
  /** Video bitrate in bit/s; undefined: a default for the resolution and target. */
  bitrateBps?: number;
  audioBitrateBps: number;
  durationMs?: number;
  waitLive: boolean;
}

export const CHANNEL_MAX_BPS = 8_500_000;
export const BASIC_MAX_BPS = 3_500_000;
export const BASIC_SD_MAX_BPS = 1_500_000;
export const STAGE_MAX_BPS = 8_500_000;
export const STAGE_MAX_AUDIO_BPS = 160_000;

const NAMED: Record<string, Resolution> = {
  "1080p": { width: 1920, height: 1080 },
  "720p": { width: 1280, height: 720 },
  "480p": { width: 854, height: 480 },
  "360p": { width: 640, height: 360 },
  "240p": { width: 426, height: 240 },
  "160p": { width: 284, height: 160 },
};

/** "1280x720" or "720p" (also 1080p, 480p, 360p, 240p, 160p). Above 1080p is exit 2, naming the limit. */
export function parseResolution(value: string): Resolution {
  const v = value.trim().toLowerCase();
  if (/^(4k|uhd|2160p|1440p|2k|8k)$/.test(v)) throw usageError(`--resolution ${value} is above the IVS limit of 1080p (1920x1080)`);
  const named = NAMED[v];
  const m = /^(\d{2,5})x(\d{2,5})$/.exec(v);
  const res = named ?? (m ? { width: Number(m[1]), height: Number(m[2]) } : undefined);
  if (!res) throw usageError(`--resolution must be WIDTHxHEIGHT or one of ${Object.keys(NAMED).join(", ")} (got "${value}")`);
  if (Math.max(res.width, res.height) > 1920 || Math.min(res.width, res.height) > 1080) {
    throw usageError(`--resolution ${value} is above the IVS limit of 1080p (1920x1080)`);
  }
  if (res.width % 2 || res.height % 2) throw usageError(`--resolution ${value}: width and height must be even for H.264 4:2:0`);
  if (Math.min(res.width, res.height) < 96) throw usageError(`--resolution ${value} is too small (at least 160p)`);
  return res;
}

export function parseFps(value: string): number {
  const n = Number(value);
  if (!/^\d+(\.\d+)?$/.test(value.trim()) || !(n >= 1 && n <= 60)) throw usageError(`--fps must be between 1 and 60 (got "${value}")`);
  return n;
}

/** "3.5M", "2500k", "6000000" -> bit/s. A bare number below 10000 is refused as a likely missing unit. */
export function parseBitrate(value: string, flag = "--bitrate"): number {
  const m = /^(\d+(?:\.\d+)?)\s*([kKmM]?)(?:bps|b)?$/.exec(value.trim());
  if (!m) throw usageError(`${flag} must be a bitrate like 3500k or 3.5M (got "${value}")`);
  const n = Number(m[1]) * (m[2]?.toLowerCase() === "m" ? 1_000_000 : m[2]?.toLowerCase() === "k" ? 1000 : 1);
  if (!m[2] && n < 10_000) throw usageError(`${flag} ${value} means ${value} bit/s`, `add a unit: ${value}k or ${value}M`);
  if (n <= 0) throw usageError(`${flag} must be positive (got "${value}")`);
  return Math.round(n);
}

export const formatMbps = (bps: number) => `${(bps / 1_000_000).toFixed(bps % 100_000 ? 2 : 1).replace(/\.?0+$/, "")} Mbps`;

/** Limits that hold for every IVS target, checked before any call. */
export function checkAbsoluteLimits(o: Pick<IngestOptions, "bitrateBps" | "audioBitrateBps" | "stage" | "fps" | "resolution">): void {
  if (o.bitrateBps !== undefined && o.bitrateBps > CHANNEL_MAX_BPS) {
    throw usageError(`--bitrate ${formatMbps(o.bitrateBps)} is above the IVS limit of ${formatMbps(CHANNEL_MAX_BPS)} (BASIC channels: ${formatMbps(BASIC_MAX_BPS)})`);
  }
  if (o.stage !== undefined) checkStageLimits(o);
}

/** Real-time stage RTMP ingest: Baseline, no B-frames, 160p-720p, 10-60 fps, AAC at most 160 kbps. */
export function checkStageLimits(o: Pick<IngestOptions, "bitrateBps" | "audioBitrateBps" | "fps" | "resolution">): void {
  const short = Math.min(o.resolution.width, o.resolution.height);
  const long = Math.max(o.resolution.width, o.resolution.height);
  if (short > 720 || long > 1280) throw usageError(`--resolution ${o.resolution.width}x${o.resolution.height} is above the stage limit of 720p (1280x720)`);
  if (short < 160) throw usageError(`--resolution ${o.resolution.width}x${o.resolution.height} is below the stage minimum of 160p`);
  if (o.fps < 10) throw usageError(`--fps ${o.fps} is below the stage minimum of 10 fps`);
  if (o.bitrateBps !== undefined && o.bitrateBps > STAGE_MAX_BPS) throw usageError(`--bitrate ${formatMbps(o.bitrateBps)} is above the stage limit of ${formatMbps(STAGE_MAX_BPS)}`);
  if (o.audioBitrateBps > STAGE_MAX_AUDIO_BPS) throw usageError(`--audio-bitrate ${o.audioBitrateBps / 1000}k is above the stage limit of 160k`);
}

/** The channel type's input limit (BASIC: 1.5 Mbps up to 480p, 3.5 Mbps above; others 8.5 Mbps). */
export function channelLimitBps(type: string | undefined, res: Resolution): number {
  if (type === "BASIC") return Math.min(res.width, res.height) <= 480 ? BASIC_SD_MAX_BPS : BASIC_MAX_BPS;
  return CHANNEL_MAX_BPS;
}

export function checkChannelLimits(type: string | undefined, o: Pick<IngestOptions, "bitrateBps" | "resolution">): void {
  const limit = channelLimitBps(type, o.resolution);
  if (o.bitrateBps !== undefined && o.bitrateBps > limit) {
    const at = type === "BASIC" ? ` at ${Math.min(o.resolution.width, o.resolution.height)}p` : "";
    throw usageError(`--bitrate ${formatMbps(o.bitrateBps)} is above the ${type ?? "channel"} channel limit of ${formatMbps(limit)}${at}`);
  }
}

/** A sensible CBR rate for the picture, within the target's limit. */
export function defaultBitrate(res: Resolution, limitBps: number, stage = false): number {
  const short = Math.min(res.width, res.height);
  const want = short >= 1080 ? 6_000_000 : short >= 720 ? (stage ? 2_500_000 : 3_500_000) : short >= 480 ? 1_500_000 : short >= 360 ? 1_000_000 : 500_000;
  return Math.min(want, limitBps);
}
