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

/**
 * An FLV video tag body; returns what it tells, if it is an AVC sequence header: the profile and
 * level of the AVCDecoderConfigurationRecord (ISO/IEC 14496-15 §5.2.4.1), and the coded size from
 * its first sequence parameter set (not from the encoder's onMetaData, which an encoder may fill
 * with anything).
 */
export function parseVideoTag(tag: Buffer): VideoInfo | undefined {
  if (tag.length < 2) return undefined;
  const codecId = tag[0]! & 0x0f;
  if (codecId !== 7) return { codec: `flv-codec-${codecId}` };
  if (tag[1] !== 0 || tag.length < 9) return undefined; // not the AVCDecoderConfigurationRecord
  const profile = tag[6]!;
  const compat = tag[7]!;
  const level = tag[8]!;
  const info: VideoInfo = { codec: `avc1.${hex2(profile)}${hex2(compat)}${hex2(level)}`, avcProfile: profile, avcLevel: level };
  // record: version, profile, compat, level, lengthSizeMinusOne, numOfSPS (low 5 bits), then u16 length + SPS NAL
  if (tag.length >= 13 && (tag[10]! & 0x1f) > 0) {
    const len = tag.readUInt16BE(11);
    const size = tag.length >= 13 + len ? spsFrameSize(tag.subarray(13, 13 + len)) : undefined;
    if (size) Object.assign(info, size);
  }
  return info;
}

/** Reads bits of an RBSP, big-endian, with Exp-Golomb codes (ITU-T H.264 §9.1). */
class BitReader {
  private pos = 0;
  constructor(private readonly buf: Buffer) {}
  bit(): number {
    if (this.pos >= this.buf.length * 8) throw new RangeError("SPS ends early");
    const v = (this.buf[this.pos >> 3]! >> (7 - (this.pos & 7))) & 1;
    this.pos++;
    return v;
  }
  bits(n: number): number {
    let v = 0;
    for (let i = 0; i < n; i++) v = v * 2 + this.bit();
    return v;
  }
  ue(): number {
    let zeros = 0;
    while (this.bit() === 0) if (++zeros > 31) throw new RangeError("bad Exp-Golomb code");
    return 2 ** zeros - 1 + this.bits(zeros);
  }
  se(): number {
    const k = this.ue();
    return k % 2 === 1 ? (k + 1) / 2 : -(k / 2);
  }
}

/** NAL payload to RBSP: drop emulation-prevention bytes (00 00 03 -> 00 00; H.264 §7.4.1). */
function toRbsp(nal: Buffer): Buffer {
  const out: number[] = [];
  let zeros = 0;
  for (const b of nal) {
    if (zeros >= 2 && b === 3) {
      zeros = 0;
      continue;
    }
    out.push(b);
    zeros = b === 0 ? zeros + 1 : 0;
  }
  return Buffer.from(out);
}

/** Profiles whose SPS carries chroma format and bit depth (H.264 §7.3.2.1.1). */
const HIGH_PROFILES = new Set([100, 110, 122, 244, 44, 83, 86, 118, 128, 138, 139, 134, 135]);

/**
 * Width and height of the decoded frame from an SPS NAL unit (nal_unit_type 7): macroblock counts
 * minus the cropping window (H.264 §7.3.2.1.1 syntax, §7.4.2.1.1 semantics). Undefined if unreadable.
 */
export function spsFrameSize(nal: Buffer): { width: number; height: number } | undefined {
  if (nal.length < 4 || (nal[0]! & 0x1f) !== 7) return undefined;
  try {
    const r = new BitReader(toRbsp(nal.subarray(1)));
    const profileIdc = r.bits(8);
    r.bits(16); // constraint flags, level_idc
    r.ue(); // seq_parameter_set_id
    let chromaFormatIdc = 1;
    let separateColourPlane = 0;
    if (HIGH_PROFILES.has(profileIdc)) {
      chromaFormatIdc = r.ue();
      if (chromaFormatIdc === 3) separateColourPlane = r.bit();
      r.ue(); // bit_depth_luma_minus8
      r.ue(); // bit_depth_chroma_minus8
      r.bit(); // qpprime_y_zero_transform_bypass_flag
      if (r.bit()) {
        // seq_scaling_matrix_present_flag: skip the scaling lists
        for (let i = 0; i < (chromaFormatIdc !== 3 ? 8 : 12); i++) {
          if (!r.bit()) continue;
          let last = 8;
          let next = 8;
          for (let j = 0; j < (i < 6 ? 16 : 64); j++) {
            if (next !== 0) next = (last + r.se() + 256) % 256;
            last = next === 0 ? last : next;
          }
        }
      }
    }
    r.ue(); // log2_max_frame_num_minus4
    const pocType = r.ue();
    if (pocType === 0) r.ue();
    else if (pocType === 1) {
      r.bit();
      r.se();
      r.se();
      const n = r.ue();
      for (let i = 0; i < n; i++) r.se();
    }
    r.ue(); // max_num_ref_frames
    r.bit(); // gaps_in_frame_num_value_allowed_flag
    const widthMbs = r.ue() + 1;
    const heightMapUnits = r.ue() + 1;
    const frameMbsOnly = r.bit();
    if (!frameMbsOnly) r.bit(); // mb_adaptive_frame_field_flag
    r.bit(); // direct_8x8_inference_flag
    let crop = [0, 0, 0, 0];
    if (r.bit()) crop = [r.ue(), r.ue(), r.ue(), r.ue()];
    const chromaArrayType = separateColourPlane ? 0 : chromaFormatIdc;
    const subWidthC = chromaArrayType === 1 || chromaArrayType === 2 ? 2 : 1;
    const subHeightC = chromaArrayType === 1 ? 2 : 1;
    const cropUnitX = chromaArrayType === 0 ? 1 : subWidthC;
    const cropUnitY = (chromaArrayType === 0 ? 1 : subHeightC) * (2 - frameMbsOnly);
    const width = widthMbs * 16 - cropUnitX * (crop[0]! + crop[1]!);
    const height = (2 - frameMbsOnly) * heightMapUnits * 16 - cropUnitY * (crop[2]! + crop[3]!);
    return width > 0 && height > 0 ? { width, height } : undefined;
  } catch {
    return undefined;
  }
}

/**
 * slice_type of a coded slice NAL unit (nal_unit_type 1 or 5; H.264 §7.3.3: first_mb_in_slice ue(v), then
 * slice_type ue(v); 0/5 P, 1/6 B, 2/7 I, 3/8 SP, 4/9 SI). Only the first bytes are needed. Undefined otherwise.
 */
export function sliceType(nal: Buffer): number | undefined {
  const type = nal.length > 1 ? nal[0]! & 0x1f : 0;
  if (type !== 1 && type !== 5) return undefined;
  try {
    const r = new BitReader(toRbsp(nal.subarray(1, 17)));
    r.ue(); // first_mb_in_slice
    return r.ue();
  } catch {
    return undefined;
  }
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
