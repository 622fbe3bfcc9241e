/**
 * `ivsctl ingest`: a local ffmpeg test stream into a channel, a real-time stage (through an RTMPS
 * ingest configuration) or any RTMP(S) server, with IVS encoder settings and progress on stderr.
 */
import { existsSync, statSync } from "node:fs";
import { READ_LIMITS, readTextFileBounded } from "../cli/bounded-read.ts";
import { parseResourceRef } from "../aws/resolve.ts";
import type { Context } from "../cli/context.ts";
import { checkDurationMs } from "../cli/duration.ts";
import { interruptedError, signalScope, type SignalScope } from "../cli/signals.ts";
import { CliError, configError, notFoundError, toCliError, usageError } from "../cli/errors.ts";
import { ExitCode } from "../cli/exit-codes.ts";
import { redactString, registerSecret, registerStreamUrl } from "../cli/redact.ts";
import { rtmpsIngestUrl } from "../channel/urls.ts";
import { ffmpegArgs, findFfmpeg, runFfmpeg, type FfmpegStats } from "./ffmpeg.ts";
import { channelLimitBps, checkAbsoluteLimits, checkChannelLimits, checkStageLimits, defaultBitrate, formatMbps, STAGE_MAX_BPS, type IngestOptions } from "./options.ts";
import { buildPlan, FONT_CANDIDATES } from "./plan.ts";

/** IVS ends a stream after 48 hours. */
export const MAX_STREAM_MS = 48 * 3_600_000;

const INSTALL_HINT = "install ffmpeg (Debian/Ubuntu: sudo apt-get install ffmpeg; macOS: brew install ffmpeg), or set FFMPEG_PATH";

/** Checks that need no AWS call: source, target flags, limits that hold for every target. */
export function checkIngestOptions(opts: IngestOptions, stack?: string): void {
  const targets = [opts.channel, opts.stage, opts.url].filter((t) => t !== undefined).length;
  if (targets === 0 && !stack) throw usageError("give a channel, --stage STAGE or --url rtmps://…", "or --stack NAME (a stack that holds a channel); see `ivsctl ingest --help`");
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

async function readStreamKey(ctx: Context, opts: IngestOptions): Promise<string | undefined> {
  let key: string | undefined;
  if (opts.streamKeyFile === "-") key = await ctx.io.readStdin({ maxBytes: READ_LIMITS.streamKey, what: "the stream key on stdin" });
  else if (opts.streamKeyFile !== undefined) key = readTextFileBounded(opts.streamKeyFile, { maxBytes: READ_LIMITS.streamKey, what: "--stream-key-file" });
  else if (ctx.env.IVSCTL_STREAM_KEY !== undefined) {
    // Set but empty is a broken CI secret, not "no key": say so rather than fall back to the channel's key.
    if (ctx.env.IVSCTL_STREAM_KEY.trim() === "") throw configError("IVSCTL_STREAM_KEY is set but empty", "unset it to use the channel's own stream key");
    key = ctx.env.IVSCTL_STREAM_KEY;
  }
  key = key?.trim();
  if (key !== undefined && !/^[\x21-\x7e]{1,512}$/.test(key)) throw usageError("the stream key must be one line of printable characters");
  registerSecret(key); // a third-party key has no shape the redactor could recognise
  return key;
}

interface Target {
  kind: "channel" | "stage" | "url";
  arn?: string;
  url: string;
  limitBps: number;
  stage: boolean;
  /** A temporary ingest configuration to delete afterwards. */
  temporaryConfigArn?: string;
  ingestConfigurationArn?: string;
  waitLive?: () => Promise<boolean>;
}

async function channelTarget(ctx: Context, opts: IngestOptions, key: string | undefined): Promise<Target> {
  const { GetChannelCommand, GetStreamCommand, GetStreamKeyCommand, ListStreamKeysCommand } = await import("@aws-sdk/client-ivs");
  const { resolveChannelArn } = await import("../channel/channels.ts");
  const { channelRef } = await import("../channel/target.ts");
  const ref = await channelRef(ctx, opts.channel);
  const ivs = await ctx.aws.ivs();
  try {
    // The key comes from the API (ListStreamKeys, GetStreamKey), never from a stack output: an
    // output's key goes stale at the first `stream-key rotate`.
    const arn = await resolveChannelArn(ivs, ref);
    const { channel } = await ivs.send(new GetChannelCommand({ arn }));
    checkChannelLimits(channel?.type, opts);
    if (key === undefined) {
      const { streamKeys } = await ivs.send(new ListStreamKeysCommand({ channelArn: arn }));
      const keyArn = streamKeys?.[0]?.arn;
      if (!keyArn) throw notFoundError(`channel ${arn} has no stream key`, "create one (ivsctl stream-key create) or pass --stream-key-file");
      const { streamKey } = await ivs.send(new GetStreamKeyCommand({ arn: keyArn }));
      key = streamKey?.value;
      if (!key) throw notFoundError(`could not read the stream key of ${arn}`, "pass --stream-key-file");
    }
    const waitLive = async () =>
      ivs.send(new GetStreamCommand({ channelArn: arn })).then(
        (r) => r.stream?.state === "LIVE",
        (e) => {
          if ((e as Error).name === "ChannelNotBroadcasting") return false; // not yet
          throw e;
        },
      );
    return { kind: "channel", arn, url: rtmpsIngestUrl(channel!.ingestEndpoint!, key), limitBps: channelLimitBps(channel?.type, opts.resolution), stage: false, waitLive };
  } catch (e) {
    throw toCliError(e, `preparing ingest into channel ${ref}`);
  }
}

async function stageTarget(ctx: Context, opts: IngestOptions): Promise<Target> {
  const rt = await import("@aws-sdk/client-ivs-realtime");
  const { fetchStage } = await import("../stage/lookup.ts");
  const { rt: client, stage } = await fetchStage(ctx, opts.stage!);
  const stageArn = stage.arn!;
  try {
    const endpoint = stage?.endpoints?.rtmps;
    if (!endpoint) throw new CliError(`stage ${stageArn} has no RTMPS endpoint`, { exitCode: ExitCode.State, code: "NoRtmpsEndpoint" });
    let config: { arn?: string; streamKey?: string } | undefined;
    let temporary: string | undefined;
    if (opts.ingestConfig !== undefined) {
      config = (await client.send(new rt.GetIngestConfigurationCommand({ arn: opts.ingestConfig }))).ingestConfiguration;
    } else if (!ctx.globals.dryRun) {
      config = (
        await client.send(
          new rt.CreateIngestConfigurationCommand({ stageArn, ingestProtocol: "RTMPS", name: `ivsctl-ingest-${Date.now()}`, userId: "ivsctl-ingest", attributes: { source: "ivsctl ingest" } }),
        )
      ).ingestConfiguration;
      temporary = config?.arn;
      ctx.log.info(`created temporary ingest configuration ${config?.arn}${opts.keep ? " (kept: --keep)" : ""}`);
    }
    const key = config?.streamKey ?? "<temporary-ingest-configuration-key>";
    const url = `${endpoint.replace(/\/+$/, "")}/${key}`;
    const configArn = config?.arn;
    const waitLive = async () =>
      configArn
        ? client.send(new rt.GetIngestConfigurationCommand({ arn: configArn })).then((r) => r.ingestConfiguration?.state === "ACTIVE")
        : false;
    return { kind: "stage", arn: stageArn, url, limitBps: STAGE_MAX_BPS, stage: true, temporaryConfigArn: temporary, ingestConfigurationArn: configArn, waitLive };
  } catch (e) {
    throw toCliError(e, `preparing ingest into stage ${opts.stage}`);
  }
}

/** Deletes the temporary ingest configuration; returns the error when it could not. */
async function deleteTemporaryConfig(ctx: Context, arn: string): Promise<CliError | undefined> {
  const rt = await import("@aws-sdk/client-ivs-realtime");
  const client = await ctx.aws.realtime();
  try {
    await client.send(new rt.DeleteIngestConfigurationCommand({ arn, force: true }));
    ctx.log.info(`deleted temporary ingest configuration ${arn}`);
    return undefined;
  } catch (e) {
    const err = toCliError(e, `deleting temporary ingest configuration ${arn}`);
    ctx.log.warn(err.message);
    return err;
  }
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

const fmtElapsed = (s: number) => {
  const t = Math.floor(s);
  return `${String(Math.floor(t / 3600)).padStart(2, "0")}:${String(Math.floor((t % 3600) / 60)).padStart(2, "0")}:${String(t % 60).padStart(2, "0")}`;
};

export async function runIngest(ctx: Context, opts: IngestOptions): Promise<void> {
  const started = performance.now();
  checkIngestOptions(opts, ctx.globals.stack);
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
      const base = opts.url.replace(/\/+$/, "");
      target = { kind: "url", url: key ? `${base}/${key}` : opts.url, limitBps: 8_500_000, stage: false };
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

  let liveAfterMs: number | undefined;
  let lastStats: FfmpegStats = {};
  let lastReport = 0;
  const tty = ctx.io.stderrIsTTY;
  const progress = (s: FfmpegStats) => {
    lastStats = s;
    if (ctx.globals.quiet) return;
    const now = performance.now();
    const fields = { elapsedSeconds: Number(((now - started) / 1000).toFixed(1)), fps: s.fps ?? 0, bitrateKbps: s.bitrateKbps ?? 0, speed: s.speed ?? 0, droppedFrames: s.drop ?? 0, frames: s.frame ?? 0 };
    if (tty) {
      ctx.io.stderr.write(`\r\x1b[2Kelapsed ${fmtElapsed(fields.elapsedSeconds)}  fps ${fields.fps}  bitrate ${Math.round(fields.bitrateKbps)} kb/s  speed ${fields.speed.toFixed(2)}x  dropped ${fields.droppedFrames}`);
    } else if (now - lastReport >= 5_000) {
      lastReport = now;
      ctx.io.stderr.write(`${JSON.stringify({ progress: fields })}\n`);
    }
  };

  const ff = runFfmpeg(plan, ffmpegPath!, { stats: progress });
  // SIGINT, SIGTERM and SIGHUP alike: ffmpeg is asked to stop (SIGKILL after a grace), so it never outlives us.
  signals.onSignal(() => ff.stop());

  let stopWaiting = false;
  // --wait-live logs when the stream is LIVE; -o json also gets an {"event":"live"} line on stdout.
  const watchLive = (opts.waitLive || ctx.globals.output === "json") && target.waitLive;
  const waiter = (async () => {
    if (!watchLive) return;
    try {
      while (!stopWaiting && !signals.signal) {
        if (await target.waitLive!()) {
          liveAfterMs = Math.round(performance.now() - started);
          if (tty) ctx.io.stderr.write("\r\x1b[2K");
          ctx.log.success(`${target.kind === "stage" ? "publishing to the stage" : "LIVE"} after ${(liveAfterMs / 1000).toFixed(2)} s`);
          if (ctx.globals.output === "json") ctx.out.line({ event: "live", target: target.arn, ingestConfigurationArn: target.ingestConfigurationArn, liveAfterMs }, "LIVE");
          return;
        }
        await signals.sleep(250); // a few GetStream calls a second at most, within IVS's rate limits
      }
    } catch (e) {
      ctx.log.warn(`--wait-live stopped asking: ${toCliError(e).message}`);
    }
  })();

  let exit;
  try {
    exit = await ff.done;
  } finally {
    stopWaiting = true;
    await waiter.catch(() => {});
    if (tty && !ctx.globals.quiet) ctx.io.stderr.write("\r\x1b[2K");
  }

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
