import { CliError } from "./errors.ts";
import { ExitCode } from "./exit-codes.ts";
import { formatDuration } from "./duration.ts";

export interface PollOptions<T> {
  /** What is awaited, for the timeout message: "recording configuration X to become ACTIVE". */
  what: string;
  timeoutMs: number;
  intervalMs?: number;
  now: () => number;
  /** The last observed state, for the timeout message ("still CREATING"). */
  describe?: (last: T) => string;
  onPoll?: (value: T) => void;
  /** A signal scope's abort (src/cli/signals.ts): the wait ends at once with its reason (exit 130/143/129). */
  abort?: AbortSignal;
}

/**
 * The one polling loop (`--wait` flags): probe until `done`, or exit 6 naming the last state.
 * A probe that throws ends the wait with that error (e.g. CREATE_FAILED, a task that stopped).
 */
export async function pollUntil<T>(probe: () => Promise<T>, done: (value: T) => boolean, opts: PollOptions<T>): Promise<T> {
  const deadline = opts.now() + opts.timeoutMs;
  for (;;) {
    if (opts.abort?.aborted) throw opts.abort.reason;
    const value = await probe();
    if (done(value)) return value;
    opts.onPoll?.(value);
    if (opts.now() >= deadline) {
      const last = opts.describe ? `: ${opts.describe(value)}` : "";
      throw new CliError(`timed out after ${formatDuration(opts.timeoutMs)} waiting for ${opts.what}${last}`, { exitCode: ExitCode.Throttled, code: "WaitTimeout" });
    }
    await sleepUnlessAborted(Math.max(0, Math.min(opts.intervalMs ?? 1000, deadline - opts.now())), opts.abort);
  }
}

/** Sleeps `ms`, or less if `abort` fires first (resolves either way: the caller checks why). */
export function sleepUnlessAborted(ms: number, abort: AbortSignal | undefined): Promise<void> {
  if (!abort) return Bun.sleep(ms);
  if (abort.aborted) return Promise.resolve();
  return new Promise<void>((resolve) => {
    const done = () => {
      clearTimeout(t);
      abort.removeEventListener("abort", done);
      resolve();
    };
    const t = setTimeout(done, ms);
    abort.addEventListener("abort", done, { once: true });
  });
}
