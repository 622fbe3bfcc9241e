/**
 * `ivsctl ingest`: a local ffmpeg test stream into a channel, a real-time stage (through an RTMPS
 * ingest configuration) or any RTMP(S) server, with IVS encoder settings and progress on stderr.
 */
import { existsSync, statSync } from "node:fs";
import { parseResourceRef } from "../aws/resolve.ts";
import type { Context } from "../cli/context.ts";
import { checkDurationMs } from "../cli/duration.ts";
import { interruptedError, signalScope, type SignalScope } from "../cli/signals.ts";
import { CliError, usageError } from "../cli/errors.ts";
import { ExitCode } from "../cli/exit-codes.ts";
import { redactString, registerStreamUrl } from "../cli/redact.ts";
import { ffmpegArgs, findFfmpeg, runFfmpeg } from "./ffmpeg.ts";
import { checkAbsoluteLimits, checkStageLimits, defaultBitrate, formatMbps, type IngestOptions } from "./options.ts";
import { buildPlan, FONT_CANDIDATES } from "./plan.ts";
import { progressReporter, watchLive } from "./progress.ts";
import { channelTarget, deleteTemporaryConfig, readStreamKey, stageTarget, urlTarget, type Target } from "./targets.ts";

/** IVS ends a stream after 48 hours. */
export const MAX_STREAM_MS = 48 * 3_600_000;

const INSTALL_HINT = "install ffmpeg (Debian/Ubuntu: sudo apt-get install ffmpeg; macOS: brew install ffmpeg), or set FFMPEG_PATH";

/** Checks that need no AWS call: source, target flags, limits that hold for every target. */
/** `channelSource`: a stack or IVSCTL_CHANNEL names the channel when no target is given. */
export function checkIngestOptions(opts: IngestOptions, channelSource?: string): void {
  const targets = [opts.channel, opts.stage, opts.url].filter((t) => t !== undefined).length;
  if (targets === 0 && !channelSource) throw usageError("give a channel, --stage STAGE or --url rtmps://…", "or --stack NAME (a stack that holds a channel); see `ivsctl ingest --help`");
  if (targets > 1) throw usageError("give only one target: a channel, --stage or --url");
  if (opts.durationMs !== undefined && opts.durationMs <= 0) throw usageError("--duration must be positive");
  // IVS ends a stream after 48 hours (REFERENCE.md, Channels): a longer test stream is not one stream.
  if (opts.durationMs !== undefined) checkDurationMs(opts.durationMs, "--duration", MAX_STREAM_MS);
  // GetIngestConfiguration takes an ARN; ingest configurations have no name lookup here.
  if (opts.ingestConfig !== undefined && parseResourceRef(opts.ingestConfig, "ingest-configuration").kind !== "arn") {
    throw usageError(`--ingest-config must be an ingest-configuration ARN (got "${opts.ingestConfig}")`);
  }
  if (opts.url !== undefined && (!/^rtmps?:\/\/[^\s/]+/.test(opts.url) || /\s/.test(opts.url))) throw usageError(`--url must be an rtmp:// or rtmps:// URL without spaces (got "${redactString(opts.url)}")`);
  if (opts.url !== undefined && opts.waitLive) throw usageError("--wait-live needs a channel or --stage (a third-party server has no GetStream)");
  if ((opts.ingestConfig !== undefined || opts.keep) && opts.stage === undefined) throw usageError("--ingest-config and --keep apply only with --stage");
  if (opts.stage !== undefined && opts.streamKeyFile !== undefined) throw usageError("--stream-key-file does not apply to --stage (the key comes from the ingest configuration)");
  if (opts.file !== undefined && (!existsSync(opts.file) || !statSync(opts.file).isFile())) throw usageError(`--file not found: ${opts.file}`);
  if (opts.loop && opts.file === undefined) throw usageError("--loop applies only with --file (the test pattern runs until stopped)");
  checkAbsoluteLimits(opts);
}

function shellQuote(arg: string): string {
  return /^[\w@%+=:,./-]+$/.test(arg) ? arg : `'${arg.replace(/'/g, `'\\''`)}'`;
}

/** The most useful line of ffmpeg's output for a one-line error. */
export function meaningfulError(lines: string[]): string {
  const clean = lines.map((l) => l.replace(/^(\[[^\]]+\]\s*)+/, "").trim()).filter(Boolean);
  const prefer = [/Server error/i, /Connection refused|Connection reset|timed out|No route|Name or service not known|Cannot resolve|certificate|TLS|handshake/i, /error|failed|denied|not permitted|invalid|no such/i];
  for (const re of prefer) {
    const hit = [...clean].reverse().find((l) => re.test(l));
    if (hit) return hit;
  }
  return clean[clean.length - 1] ?? "no output";
}

export async function runIngest(ctx: Context, opts: IngestOptions): Promise<void> {
  const started = performance.now();
  checkIngestOptions(opts, ctx.globals.stack || ctx.env.IVSCTL_CHANNEL);
  const ffmpegPath = findFfmpeg(ctx.env);
  if (!ffmpegPath && !ctx.globals.dryRun) throw new CliError("ffmpeg is not installed (or not on PATH)", { exitCode: ExitCode.ExternalTool, code: "FfmpegMissing", hint: INSTALL_HINT });
  const key = opts.stage === undefined ? await readStreamKey(ctx, opts) : undefined;

  // Open before any resource exists: a signal while the temporary ingest configuration is being
  // made is remembered, not fatal, so the configuration is still removed (src/cli/signals.ts).
  const signals = signalScope();
  let target: Target | undefined;
  let failed = false;
  let cleanupFailure: CliError | undefined;
  try {
    if (opts.url !== undefined) {
      target = urlTarget(opts.url, key);
    } else if (opts.stage !== undefined) {
      checkStageLimits(opts);
      target = await stageTarget(ctx, opts);
    } else {
      target = await channelTarget(ctx, opts, key);
    }
    registerStreamUrl(target.url);
    await streamTo(ctx, opts, target, ffmpegPath, started, signals);
  } catch (e) {
    failed = true;
    throw e;
  } finally {
    // The scope stays open through the cleanup: a second signal must not cut it short.
    if (target?.temporaryConfigArn && !opts.keep) cleanupFailure = await deleteTemporaryConfig(ctx, target.temporaryConfigArn);
    signals.release();
  }
  if (cleanupFailure && !failed) {
    throw new CliError(`the stream ran, but ${cleanupFailure.message}`, { exitCode: cleanupFailure.exitCode, code: cleanupFailure.code, hint: "delete it with `aws ivs-realtime delete-ingest-configuration --force`" });
  }
}

async function streamTo(ctx: Context, opts: IngestOptions, target: Target, ffmpegPath: string | undefined, started: number, signals: SignalScope): Promise<void> {
  const bitrateBps = opts.bitrateBps ?? defaultBitrate(opts.resolution, target.limitBps, target.stage);
  const fontFile = opts.file ? undefined : FONT_CANDIDATES.find((f) => existsSync(f));
  if (!opts.file && !fontFile) ctx.log.warn("no font found for the burned-in clock (Debian: apt-get install fonts-dejavu-core); streaming the pattern without it");
  const plan = buildPlan({ url: target.url, resolution: opts.resolution, fps: opts.fps, bitrateBps, audioBitrateBps: opts.audioBitrateBps, stage: target.stage, file: opts.file, loop: opts.loop, durationMs: opts.durationMs, fontFile });
  const args = ffmpegArgs(plan);
  const commandLine = ["ffmpeg", ...args].map(shellQuote).join(" ");

  if (ctx.globals.dryRun) {
    ctx.out.result(
      { dryRun: true, command: ["ffmpeg", ...args], commandLine, target: target.arn ?? target.url },
      { kind: "record", title: "Would run:", fields: [["Command", commandLine]] },
    );
    return;
  }

  signals.throwIfInterrupted("before ffmpeg started");
  ctx.log.info(
    `streaming ${opts.file ? opts.file : "test pattern"} at ${opts.resolution.width}x${opts.resolution.height}@${opts.fps} ${formatMbps(bitrateBps)} CBR to ${redactString(target.url)}${opts.durationMs ? ` for ${opts.durationMs / 1000}s` : " until Ctrl-C"}`,
  );

  const progress = progressReporter(ctx, started);
  const ff = runFfmpeg(plan, ffmpegPath!, { stats: progress.onStats });
  // SIGINT, SIGTERM and SIGHUP alike: ffmpeg is asked to stop (SIGKILL after a grace), so it never outlives us.
  signals.onSignal(() => ff.stop());

  // --wait-live logs when the stream is LIVE; -o json also gets an {"event":"live"} line on stdout.
  const live = watchLive(ctx, target, signals, started, Boolean(opts.waitLive || ctx.globals.output === "json"));

  let exit;
  try {
    exit = await ff.done;
  } finally {
    await live.stop();
    progress.clear();
  }
  const lastStats = progress.last();
  const liveAfterMs = live.liveAfterMs();

  const summary = {
    target: target.arn ?? redactString(target.url),
    url: target.url,
    ingestConfigurationArn: target.ingestConfigurationArn,
    ingestConfigurationKept: target.temporaryConfigArn ? opts.keep : undefined,
    resolution: `${opts.resolution.width}x${opts.resolution.height}`,
    fps: opts.fps,
    bitrateBps,
    frames: lastStats.frame ?? 0,
    droppedFrames: lastStats.drop ?? 0,
    mediaSeconds: lastStats.time ?? 0,
    elapsedSeconds: Number(((performance.now() - started) / 1000).toFixed(2)),
    liveAfterMs,
    ...(signals.signal ? { interrupted: signals.signal } : {}),
  };
  const report = () => (ctx.globals.output === "json" ? ctx.out.line({ event: "summary", ...summary }, "") : ctx.out.result(summary, summaryView(summary)));

  if (signals.signal) {
    report();
    throw interruptedError(signals.signal, `ffmpeg stopped after ${summary.mediaSeconds.toFixed(1)} s of media`);
  }
  if (exit.code !== 0) {
    throw new CliError(`ffmpeg failed: ${redactString(meaningfulError(exit.lastLines))}`, {
      exitCode: ExitCode.ExternalTool,
      code: "FfmpegFailed",
      hint: exit.code === 127 ? INSTALL_HINT : undefined,
    });
  }
  ctx.log.success(`stream ended after ${summary.mediaSeconds.toFixed(1)} s of media (${summary.frames} frames, ${summary.droppedFrames} dropped)`);
  report();
}

function summaryView(s: Record<string, unknown>) {
  return {
    kind: "record" as const,
    fields: [
      ["Target", s.target as string],
      ["Ingest configuration", s.ingestConfigurationArn as string | undefined],
      ["Video", `${s.resolution}@${s.fps} ${formatMbps(s.bitrateBps as number)} CBR`],
      ["Frames", s.frames as number],
      ["Dropped", s.droppedFrames as number],
      ["Media seconds", s.mediaSeconds as number],
      ["LIVE after (ms)", s.liveAfterMs as number | undefined],
    ] as [string, string | number | undefined][],
  };
}
