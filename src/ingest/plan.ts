/**
 * The ffmpeg invocation for an IVS test stream, as data: inputs and output options. Pure, so the
 * encoder settings can be checked without running anything. IVS guidance: H.264 + AAC-LC, an IDR
 * every 2 s without scene-cut keyframes, CBR with -b:v = -maxrate = -bufsize.
 */
import type { Resolution } from "./options.ts";

export interface FfmpegInput {
  source: string;
  options: string[];
}

export interface FfmpegPlan {
  inputs: FfmpegInput[];
  outputOptions: string[];
  url: string;
}

export interface PlanOptions {
  url: string;
  resolution: Resolution;
  fps: number;
  bitrateBps: number;
  audioBitrateBps: number;
  /** Real-time stage: Baseline profile, no B-frames. */
  stage: boolean;
  file?: string;
  loop: boolean;
  durationMs?: number;
  /** Font for the burned-in clock; without one the test pattern has no text. */
  fontFile?: string;
}

export const FONT_CANDIDATES = [
  "/usr/share/fonts/truetype/dejavu/DejaVuSansMono.ttf",
  "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf",
  "/usr/share/fonts/dejavu/DejaVuSansMono.ttf",
  "/System/Library/Fonts/Menlo.ttc",
  "C:/Windows/Fonts/consola.ttf",
];

const kbps = (bps: number) => `${Math.round(bps / 1000)}k`;

/** Escape a value for an ffmpeg filter option (inside a filtergraph, no shell involved). */
function filterValue(v: string): string {
  return v.replace(/\\/g, "\\\\").replace(/:/g, "\\:").replace(/'/g, "\\'");
}

export function buildPlan(o: PlanOptions): FfmpegPlan {
  const { width, height } = o.resolution;
  const gop = Math.round(o.fps * 2);
  const inputs: FfmpegInput[] = [];
  const filters: string[] = [];
  if (o.file) {
    inputs.push({ source: o.file, options: ["-re", ...(o.loop ? ["-stream_loop", "-1"] : [])] });
    filters.push(`scale=${width}:${height}:force_original_aspect_ratio=decrease`, `pad=${width}:${height}:(ow-iw)/2:(oh-ih)/2`, `fps=${o.fps}`);
  } else {
    // Moving test pattern plus a 1 kHz tone; a wall clock and frame counter burned in to read latency off a player.
    inputs.push({ source: `testsrc2=size=${width}x${height}:rate=${o.fps}`, options: ["-re", "-f", "lavfi"] });
    inputs.push({ source: "sine=frequency=1000:sample_rate=48000", options: ["-f", "lavfi"] });
    if (o.fontFile) {
      const size = Math.max(12, Math.round(height / 14));
      filters.push(
        `drawtext=fontfile=${filterValue(o.fontFile)}:text='%{localtime\\:%X}  frame %{frame_num}':x=${Math.round(size / 2)}:y=${Math.round(size / 2)}:fontsize=${size}:fontcolor=white:box=1:boxcolor=black@0.6:boxborderw=${Math.round(size / 4)}`,
      );
    }
  }
  const out: string[] = [];
  if (o.file) out.push("-map", "0:v:0", "-map", "0:a:0?");
  else out.push("-map", "0:v:0", "-map", "1:a:0");
  if (filters.length) out.push("-vf", filters.join(","));
  out.push(
    "-c:v", "libx264",
    "-preset", "veryfast",
    "-tune", "zerolatency",
    "-profile:v", o.stage ? "baseline" : "main",
    "-pix_fmt", "yuv420p",
    "-r", String(o.fps),
    "-g", String(gop),
    "-keyint_min", String(gop),
    "-sc_threshold", "0",
    "-bf", "0",
    "-b:v", kbps(o.bitrateBps),
    "-maxrate", kbps(o.bitrateBps),
    "-bufsize", kbps(o.bitrateBps),
    "-x264-params", "nal-hrd=cbr:scenecut=0",
    "-c:a", "aac",
    "-profile:a", "aac_low",
    "-b:a", kbps(o.audioBitrateBps),
    "-ar", "48000",
    "-ac", "2",
  );
  if (o.durationMs !== undefined) out.push("-t", String(o.durationMs / 1000));
  out.push("-f", "flv", "-flvflags", "no_duration_filesize");
  return { inputs, outputOptions: out, url: o.url };
}

/** Global options first on the command line: quiet banner, no stdin (Ctrl-C is ours), stats lines. */
export const GLOBAL_OPTIONS = ["-hide_banner", "-nostdin", "-loglevel", "level+warning", "-stats"];
