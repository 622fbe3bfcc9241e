/** `ivsctl metadata put|send|loop`: IVS timed metadata (PutMetadata), validated and paced. */
import { PutMetadataCommand, type IvsClient } from "@aws-sdk/client-ivs";
import { paceAttempts, retryThrottled, SlidingWindow } from "../aws/pacing.ts";
import { parseResourceRef } from "../aws/resolve.ts";
import { resolveChannelArn } from "../channel/channels.ts";
import type { Context } from "../cli/context.ts";
import { checkDurationMs, MAX_TIMER_MS } from "../cli/duration.ts";
import { CliError, toCliError, usageError } from "../cli/errors.ts";
import { interruptedError, signalScope } from "../cli/signals.ts";
import { ExitCode } from "../cli/exit-codes.ts";
import { READ_LIMITS } from "../cli/bounded-read.ts";
import { ACCOUNT_TPS, CHANNEL_TPS, checkPayload, DEFAULT_TEMPLATE, Pacer, parsePayloadLines, readPayload, readTextFile, renderTemplate } from "./payload.ts";
import { channelRef, requireChannelSource } from "../channel/target.ts";

const OFFLINE_HINT = (ref: string) => `channel is offline: start a stream first (ivsctl ingest ${ref})`;

function metadataError(e: unknown, action: string, ref: string): CliError {
  const err = toCliError(e, action);
  if (err.code === "ChannelNotBroadcasting") {
    return new CliError(`${action}: ${OFFLINE_HINT(ref)}`, { exitCode: ExitCode.State, code: "ChannelNotBroadcasting", cause: e });
  }
  return err;
}

const attemptsOf = (x: unknown) => (x as { $metadata?: { attempts?: number } })?.$metadata?.attempts ?? 1;

export interface PutOptions {
  /** ARN, id or name; absent: the --stack's channel. */
  channel?: string;
  payload?: string;
  json: boolean;
}

export async function putMetadata(ctx: Context, opts: PutOptions): Promise<void> {
  // With --stack (or IVSCTL_STACK), a lone positional is the payload: the stack names the channel.
  if (opts.payload === undefined && opts.channel !== undefined && ctx.globals.stack) {
    opts = { ...opts, payload: opts.channel, channel: undefined };
  }
  requireChannelSource(ctx, opts.channel);
  if (opts.channel !== undefined) parseResourceRef(opts.channel, "channel");
  const metadata = await readPayload(opts.payload, (limit) => ctx.io.readStdin(limit));
  checkPayload(metadata, { json: opts.json });
  const channel = await channelRef(ctx, opts.channel);
  const ivs = await ctx.aws.ivs();
  let arn = channel;
  try {
    arn = await resolveChannelArn(ivs, channel);
    const res = await ivs.send(new PutMetadataCommand({ channelArn: arn, metadata }));
    const bytes = Buffer.byteLength(metadata, "utf8");
    ctx.log.success(`metadata delivered to ${arn} (${bytes} bytes)`);
    ctx.out.result({ channelArn: arn, bytes, attempts: attemptsOf(res) }, { kind: "record", fields: [["Channel", arn], ["Bytes", bytes], ["Attempts", attemptsOf(res)]] });
  } catch (e) {
    throw metadataError(e, "putting metadata", channel);
  }
}

export interface SendOptions {
  channels: string[];
  channelsFile?: string;
  file: string;
  rate: number;
  json: boolean;
  /** Give up on a payload after this many ThrottlingException answers (each after the SDK's own retries). */
  maxThrottleRetries?: number;
}

interface SendLine {
  index: number;
  line: number;
  channelArn: string;
  status: "delivered" | "failed";
  attempts: number;
  code?: string;
  error?: string;
}

/** --rate: at most 5 a second per channel (PutMetadata's limit); more is refused, not clamped. */
export function checkRate(rate: number): void {
  if (!(rate > 0 && rate <= CHANNEL_TPS)) throw usageError(`--rate must be more than 0 and at most ${CHANNEL_TPS} (PutMetadata's per-channel limit), got ${rate}`);
}

export async function sendMetadata(ctx: Context, opts: SendOptions): Promise<void> {
  checkRate(opts.rate);
  const refs = [...opts.channels];
  if (opts.channelsFile !== undefined) {
    refs.push(...readTextFile(opts.channelsFile, "--channels-file").split(/\r?\n/).map((l) => l.trim()).filter((l) => l && !l.startsWith("#")));
  }
  if (refs.length === 0 && (ctx.globals.stack || ctx.env.IVSCTL_CHANNEL)) refs.push(await channelRef(ctx, undefined));
  if (refs.length === 0) throw usageError("give a channel (argument, --channel or --channels-file)");
  for (const r of refs) parseResourceRef(r, "channel");
  const payloads = parsePayloadLines(readTextFile(opts.file, "--file"), { json: opts.json, file: opts.file });

  const ivs = await ctx.aws.ivs();
  let arns: string[];
  try {
    arns = [...new Set(await Promise.all(refs.map((r) => resolveChannelArn(ivs, r))))];
  } catch (e) {
    throw toCliError(e, "resolving channels");
  }
  if (arns.length * opts.rate > ACCOUNT_TPS) ctx.log.info(`${arns.length} channels at ${opts.rate}/s exceed the account limit of ${ACCOUNT_TPS}/s: sharing it`);
  const account = new Pacer(ACCOUNT_TPS);
  // Every attempt, the SDK's retries included, stays within PutMetadata's limits as IVS counts them:
  // at most 5 per channel and 155 per account in any 1 s window at the server.
  const channelWindows = new Map(arns.map((a) => [a, new SlidingWindow(CHANNEL_TPS)]));
  const accountWindow = new SlidingWindow(ACCOUNT_TPS);
  const unpace = paceAttempts(ivs, "PutMetadataCommand", (input) => [channelWindows.get(input.channelArn as string), accountWindow].filter((w) => w !== undefined));
  const started = performance.now();
  ctx.log.info(`sending ${payloads.length} payload(s) to ${arns.length} channel(s) at ${opts.rate}/s per channel`);

  const failures: { error: unknown; ref: string }[] = [];
  // A signal stops every channel before its next payload; what was sent is reported (exit 130/143/129).
  const signals = signalScope();
  let delivered = 0;
  let retries = 0;
  const perChannel = async (channelArn: string) => {
    const pacer = new Pacer(opts.rate);
    for (let i = 0; i < payloads.length && !signals.signal; i++) {
      const p = payloads[i]!;
      let attempts = 0;
      // A throttled payload is sent again before the next one: order is kept.
      const send = async () => {
        await pacer.take();
        await account.take();
        if (signals.signal) return "interrupted" as const;
        try {
          const res = await ivs.send(new PutMetadataCommand({ channelArn, metadata: p.text }));
          attempts += attemptsOf(res);
          return "delivered" as const;
        } catch (e) {
          attempts += attemptsOf(e);
          throw e;
        }
      };
      try {
        if ((await retryThrottled(send, { maxRetries: opts.maxThrottleRetries ?? 8, sleep: signals.sleep, onRetry: () => retries++ })) === "interrupted") return;
        delivered++;
        emit(ctx, { index: p.index, line: p.line, channelArn, status: "delivered", attempts });
      } catch (e) {
        const final = metadataError(e, `line ${p.line} to ${channelArn}`, channelArn);
        emit(ctx, { index: p.index, line: p.line, channelArn, status: "failed", attempts, code: final.code, error: final.message });
        failures.push({ error: final, ref: channelArn });
        // Later payloads would break the order (or fail the same way): stop this channel.
        for (const rest of payloads.slice(i + 1)) emit(ctx, { index: rest.index, line: rest.line, channelArn, status: "failed", attempts: 0, code: "NotSent", error: "not sent: an earlier payload failed" });
        return;
      }
    }
  };
  try {
    await Promise.all(arns.map(perChannel));
  } finally {
    unpace();
    signals.release();
  }
  if (signals.signal) throw interruptedError(signals.signal, `delivered ${delivered} of ${payloads.length * arns.length} payload(s)`);
  const seconds = (performance.now() - started) / 1000;
  const total = payloads.length * arns.length;
  if (failures.length) {
    const first = failures[0]!.error as CliError;
    throw new CliError(`delivered ${delivered} of ${total} payload(s); first failure: ${first.message}`, { exitCode: first.exitCode, code: first.code, hint: first.hint });
  }
  ctx.log.success(`delivered ${delivered} of ${total} payload(s) in ${seconds.toFixed(1)} s (${retries} throttled retr${retries === 1 ? "y" : "ies"})`);
}

function emit(ctx: Context, l: SendLine): void {
  const human = `#${l.index} line ${l.line} ${l.status}${l.attempts ? ` (${l.attempts} attempt${l.attempts === 1 ? "" : "s"})` : ""} ${l.channelArn}${l.error ? `: ${l.error}` : ""}`;
  ctx.out.line(l, human);
}

export interface LoopOptions {
  /** ARN, id or name; absent: the --stack's channel. */
  channel?: string;
  everyMs: number;
  template?: string;
  /** Stop after this many sends (default: until Ctrl-C). */
  count?: number;
  json: boolean;
}

export async function loopMetadata(ctx: Context, opts: LoopOptions): Promise<void> {
  requireChannelSource(ctx, opts.channel);
  if (opts.channel !== undefined) parseResourceRef(opts.channel, "channel");
  if (opts.everyMs < 200) throw usageError(`--every must be at least 200ms (PutMetadata allows ${CHANNEL_TPS} a second per channel)`);
  checkDurationMs(opts.everyMs, "--every", MAX_TIMER_MS);
  if (opts.count !== undefined && !(Number.isInteger(opts.count) && opts.count > 0)) throw usageError("--count must be a positive integer");
  const template = opts.template !== undefined ? readTextFile(opts.template, "--template", READ_LIMITS.template).replace(/\r?\n$/, "") : DEFAULT_TEMPLATE;
  checkPayload(renderTemplate(template, 1, new Date(ctx.now())), { json: opts.json, what: "the rendered template" });

  const channel = await channelRef(ctx, opts.channel);
  const ivs: IvsClient = await ctx.aws.ivs();
  let arn: string;
  try {
    arn = await resolveChannelArn(ivs, channel);
  } catch (e) {
    throw toCliError(e, `resolving channel ${channel}`);
  }
  const signals = signalScope();
  ctx.log.info(`sending metadata to ${arn} every ${opts.everyMs / 1000}s${opts.count ? `, ${opts.count} time(s)` : " until Ctrl-C"}`);

  let sent = 0;
  let errors = 0;
  let lastError: CliError | undefined;
  const errorCodes: Record<string, number> = {};
  const start = performance.now();
  try {
    for (let counter = 1; !signals.signal && (opts.count === undefined || counter <= opts.count); counter++) {
      const metadata = renderTemplate(template, counter, new Date(ctx.now()));
      try {
        checkPayload(metadata, { json: opts.json, what: `payload ${counter}` });
        const res = await ivs.send(new PutMetadataCommand({ channelArn: arn, metadata }));
        sent++;
        ctx.out.line({ counter, channelArn: arn, status: "delivered", attempts: attemptsOf(res), metadata }, `#${counter} delivered: ${metadata}`);
      } catch (e) {
        errors++;
        lastError = e instanceof CliError ? e : metadataError(e, `payload ${counter}`, channel);
        errorCodes[lastError.code] = (errorCodes[lastError.code] ?? 0) + 1;
        ctx.out.line({ counter, channelArn: arn, status: "failed", attempts: attemptsOf(e), code: lastError.code, error: lastError.message }, `#${counter} failed: ${lastError.message}`);
      }
      if (opts.count !== undefined && counter >= opts.count) break;
      const due = start + counter * opts.everyMs; // fixed rate: no drift
      const wait = due - performance.now();
      if (wait > 0) await signals.sleep(wait);
    }
  } finally {
    signals.release();
  }
  const interrupted = signals.signal;
  const summary = { channelArn: arn, sent, errors, errorCodes, seconds: Number(((performance.now() - start) / 1000).toFixed(1)), ...(interrupted ? { interrupted } : {}) };
  // The stream's last line: what a CI job needs to know about the whole run.
  ctx.out.line({ summary }, `sent ${sent}, errors ${errors}${errors ? ` (${Object.entries(errorCodes).map(([c, n]) => `${c} x${n}`).join(", ")})` : ""}`);
  if (interrupted) throw interruptedError(interrupted, `after ${sent} sent, ${errors} error(s)`);
  if (errors && lastError) throw new CliError(`${errors} of ${sent + errors} payload(s) failed; last: ${lastError.message}`, { exitCode: lastError.exitCode, code: lastError.code, hint: lastError.hint });
}
