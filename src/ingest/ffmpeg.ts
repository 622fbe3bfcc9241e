/**
 * The only module that knows fluent-ffmpeg (archived upstream in 2025): it turns a plan into an
 * ffmpeg command, runs it, and reports lines, progress and the exit. Replace this file to drop it.
 */
import Ffmpeg from "fluent-ffmpeg";
import { GLOBAL_OPTIONS, type FfmpegPlan } from "./plan.ts";

export interface FfmpegStats {
  frame?: number;
  fps?: number;
  bitrateKbps?: number;
  /** Seconds of media sent. */
  time?: number;
  speed?: number;
  drop?: number;
  dup?: number;
}

export interface FfmpegExit {
  /** null when killed by a signal. */
  code: number | null;
  signal: string | null;
  /** Up to the last 50 stderr lines that are not progress lines. */
  lastLines: string[];
  stats: FfmpegStats;
}

export interface RunningFfmpeg {
  pid?: number;
  /** Ask ffmpeg to stop (SIGINT: it finishes the stream cleanly); SIGKILL after `graceMs`. */
  stop(graceMs?: number): void;
  done: Promise<FfmpegExit>;
}

export function findFfmpeg(env: Record<string, string | undefined>): string | undefined {
  const explicit = env.FFMPEG_PATH;
  if (explicit) return Bun.which(explicit) ?? undefined;
  return Bun.which("ffmpeg", { PATH: env.PATH ?? process.env.PATH ?? "" }) ?? undefined;
}

function command(plan: FfmpegPlan, ffmpegPath?: string): Ffmpeg.FfmpegCommand {
  const cmd = Ffmpeg({ stdoutLines: 50 }); // ring size of the stdout and stderr lines kept
  if (ffmpegPath) cmd.setFfmpegPath(ffmpegPath);
  plan.inputs.forEach((input, i) => {
    cmd.input(input.source);
    // Global options travel with the first input: fluent-ffmpeg puts input options first.
    const opts = i === 0 ? [...GLOBAL_OPTIONS, ...input.options] : input.options;
    // Several arguments: fluent-ffmpeg then keeps each as one argv entry (no splitting on spaces).
    if (opts.length) (cmd.inputOptions as (...o: string[]) => Ffmpeg.FfmpegCommand)(...opts);
  });
  cmd.output(plan.url);
  if (plan.outputOptions.length) (cmd.outputOptions as (...o: string[]) => Ffmpeg.FfmpegCommand)(...plan.outputOptions);
  return cmd;
}

/** The exact argument list ffmpeg will receive (after the program name). */
export function ffmpegArgs(plan: FfmpegPlan): string[] {
  return (command(plan) as unknown as { _getArguments(): string[] })._getArguments();
}

const STATS = /frame=\s*(\d+)|fps=\s*([\d.]+)|bitrate=\s*([\d.]+)kbits\/s|time=\s*(-?[\d:.]+)|speed=\s*([\d.]+)x|drop=\s*(\d+)|dup=\s*(\d+)/g;

/** One ffmpeg progress line ("frame= … fps= … bitrate= … speed=…x") -> numbers; undefined for other lines. */
export function parseStatsLine(line: string): FfmpegStats | undefined {
  if (!/(frame|size)=\s*\S+.*time=/.test(line)) return undefined;
  const s: FfmpegStats = {};
  for (const m of line.matchAll(STATS)) {
    if (m[1]) s.frame = Number(m[1]);
    if (m[2]) s.fps = Number(m[2]);
    if (m[3]) s.bitrateKbps = Number(m[3]);
    if (m[4]) s.time = m[4].split(":").reduce((acc, part) => acc * 60 + Number(part), 0);
    if (m[5]) s.speed = Number(m[5]);
    if (m[6]) s.drop = Number(m[6]);
    if (m[7]) s.dup = Number(m[7]);
  }
  return s;
}

export function runFfmpeg(plan: FfmpegPlan, ffmpegPath: string, on: { stats?(s: FfmpegStats): void; line?(l: string): void } = {}): RunningFfmpeg {
  const cmd = command(plan, ffmpegPath);
  const lastLines: string[] = [];
  let stats: FfmpegStats = {};
  let killTimer: ReturnType<typeof setTimeout> | undefined;
  // fluent-ffmpeg spawns ffmpeg only after its own asynchronous checks: a stop asked before then is
  // remembered and applied at spawn, or a signal in that window would leave ffmpeg running forever.
  let stopGraceMs: number | undefined;
  const procOf = () => (cmd as unknown as { ffmpegProc?: { kill(sig: string): void; pid?: number } }).ffmpegProc;
  const applyStop = () => {
    const proc = procOf();
    if (!proc || stopGraceMs === undefined) return;
    proc.kill("SIGINT");
    killTimer ??= setTimeout(() => procOf()?.kill("SIGKILL"), stopGraceMs);
  };
  const running: RunningFfmpeg = {
    stop(graceMs = 5_000) {
      stopGraceMs ??= graceMs;
      applyStop();
    },
    done: new Promise<FfmpegExit>((resolve) => {
      const finish = (err?: Error) => {
        if (killTimer) clearTimeout(killTimer);
        const m = err ? /killed with signal (\w+)|exited with code (\d+)/.exec(err.message) : null;
        const spawnFailed = err && !m;
        if (spawnFailed) lastLines.push(err.message);
        resolve({ code: m?.[1] ? null : m?.[2] ? Number(m[2]) : spawnFailed ? 127 : 0, signal: m?.[1] ?? null, lastLines, stats });
      };
      cmd.on("stderr", (line: string) => {
        const s = parseStatsLine(line);
        if (s) {
          stats = { ...stats, ...s };
          on.stats?.(stats);
          return;
        }
        if (!line.trim()) return;
        lastLines.push(line);
        if (lastLines.length > 50) lastLines.shift();
        on.line?.(line);
      });
      cmd.on("start", () => {
        running.pid = procOf()?.pid;
        applyStop();
      });
      cmd.on("error", (err: Error) => finish(err));
      cmd.on("end", () => finish());
    }),
  };
  cmd.run();
  return running;
}
