/** What the listener reads from FLV audio/video tags: codecs and their parameters. Pure. */
import type { Amf0Object } from "./amf0.ts";

export interface VideoInfo {
  codec?: string;
  /** avcProfileIndication: 66 Baseline, 77 Main, 100 High. */
  avcProfile?: number;
  avcLevel?: number;
  width?: number;
  height?: number;
  framerate?: number;
  encoder?: string;
}

export interface AudioInfo {
  codec?: string;
  sampleRate?: number;
  channels?: number;
}

const hex2 = (n: number) => n.toString(16).toUpperCase().padStart(2, "0");
const SOUND_FORMATS: Record<number, string> = { 2: "mp3", 10: "aac", 11: "speex", 14: "mp3" };
const AAC_RATES = [96000, 88200, 64000, 48000, 44100, 32000, 24000, 22050, 16000, 12000, 11025, 8000, 7350];

export const AVC_PROFILES: Record<number, string> = { 66: "Baseline", 77: "Main", 88: "Extended", 100: "High" };

/** An FLV video tag body; returns what it tells, if it is an AVC sequence header. */
export function parseVideoTag(tag: Buffer): VideoInfo | undefined {
  if (tag.length < 2) return undefined;
  const codecId = tag[0]! & 0x0f;
  if (codecId !== 7) return { codec: `flv-codec-${codecId}` };
  if (tag[1] !== 0 || tag.length < 9) return undefined; // not the AVCDecoderConfigurationRecord
  const profile = tag[6]!;
  const compat = tag[7]!;
  const level = tag[8]!;
  return { codec: `avc1.${hex2(profile)}${hex2(compat)}${hex2(level)}`, avcProfile: profile, avcLevel: level };
}

/** B-frames show as a non-zero composition time offset in AVC NAL unit tags. */
export function hasCompositionOffset(tag: Buffer): boolean {
  if (tag.length < 5 || (tag[0]! & 0x0f) !== 7 || tag[1] !== 1) return false;
  return tag.readIntBE(2, 3) !== 0;
}

/** An FLV audio tag body; AAC sequence headers give the object type, rate and channels. */
export function parseAudioTag(tag: Buffer): AudioInfo | undefined {
  if (tag.length < 1) return undefined;
  const format = tag[0]! >> 4;
  if (format !== 10) return { codec: SOUND_FORMATS[format] ?? `flv-sound-${format}` };
  if (tag.length < 4 || tag[1] !== 0) return undefined;
  const asc = tag.readUInt16BE(2);
  const objectType = asc >> 11;
  const rateIndex = (asc >> 7) & 0x0f;
  const channels = (asc >> 3) & 0x0f;
  return { codec: `mp4a.40.${objectType}`, sampleRate: AAC_RATES[rateIndex], channels };
}

/** onMetaData as encoders send it (ffmpeg, OBS): dimensions, frame rate, encoder name. */
export function videoFromMetadata(meta: Amf0Object): VideoInfo {
  const num = (v: unknown) => (typeof v === "number" && Number.isFinite(v) && v > 0 ? v : undefined);
  return {
    width: num(meta.width),
    height: num(meta.height),
    framerate: num(meta.framerate),
    encoder: typeof meta.encoder === "string" ? meta.encoder : undefined,
  };
}
