/**
 * The one way a long-running command reacts to SIGINT, SIGTERM and SIGHUP: while a scope is open
 * the signal does not kill the process; it is recorded, `abort` fires and the command stops its
 * work, cleans up (children, temporary resources), flushes what is done and throws
 * `interruptedError`, which exits 130, 143 or 129 (128 + the signal number, as shells report).
 */
import { CliError } from "./errors.ts";
import { ExitCode } from "./exit-codes.ts";
import { sleepUnlessAborted } from "./wait.ts";

export const STOP_SIGNALS = ["SIGINT", "SIGTERM", "SIGHUP"] as const;
export type StopSignal = (typeof STOP_SIGNALS)[number];

const EXIT_OF: Record<StopSignal, ExitCode> = { SIGINT: ExitCode.Interrupted, SIGTERM: ExitCode.Terminated, SIGHUP: ExitCode.HungUp };

export function signalExitCode(signal: StopSignal): ExitCode {
  return EXIT_OF[signal];
}

/** The error a command throws once it has stopped for a signal (after its cleanup). */
export function interruptedError(signal: StopSignal, what: string): CliError {
  return new CliError(`interrupted (${signal}): ${what}`, { exitCode: EXIT_OF[signal], code: "Interrupted" });
}

export interface SignalScope {
  /** The first stop signal received, if any. */
  readonly signal: StopSignal | undefined;
  /** Aborted on the first stop signal (pass it to fetch, sleeps, pollers). */
  readonly abort: AbortSignal;
  /** Run `fn` on the first stop signal (at once when one came already). */
  onSignal(fn: (signal: StopSignal) => void): void;
  /** Sleep, waking early on a signal. */
  sleep(ms: number): Promise<void>;
  /** Throw interruptedError(…) when a signal came. */
  throwIfInterrupted(what: string): void;
  /** Stop listening: the default (exit at once) applies again. */
  release(): void;
}

/**
 * Open a scope. `source` lets tests deliver signals in-process (an EventEmitter standing in for
 * `process`); by default it is the real process.
 */
export function signalScope(source: Pick<NodeJS.Process, "on" | "off"> = process): SignalScope {
  const controller = new AbortController();
  let received: StopSignal | undefined;
  const callbacks: ((s: StopSignal) => void)[] = [];
  const handlers = STOP_SIGNALS.map((sig) => {
    const handler = () => {
      if (received) return;
      received = sig;
      controller.abort(interruptedError(sig, "stopped"));
      for (const fn of callbacks.splice(0)) fn(sig);
    };
    source.on(sig, handler);
    return [sig, handler] as const;
  });
  let released = false;
  return {
    get signal() {
      return received;
    },
    abort: controller.signal,
    onSignal(fn) {
      if (received) fn(received);
      else callbacks.push(fn);
    },
    sleep(ms) {
      return received ? Promise.resolve() : sleepUnlessAborted(ms, controller.signal);
    },
    throwIfInterrupted(what) {
      if (received) throw interruptedError(received, what);
    },
    release() {
      if (released) return;
      released = true;
      for (const [sig, handler] of handlers) source.off(sig, handler);
    },
  };
}
