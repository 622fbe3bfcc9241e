import { toCliError } from "../cli/errors.ts";

/**
 * Client-side pacing that holds where AWS counts: every HTTP attempt (the SDK's own retries
 * included) passes through a sliding window of `limit` per `windowMs`, measured from when earlier
 * attempts completed. An attempt starts only while fewer than `limit` attempts are in flight or
 * completed within the last window. Since a request arrives at the server after it starts and
 * before it completes, no half-open window [t, t + windowMs) at the server then holds more than
 * `limit` arrivals, whatever the network's delays.
 */

export class SlidingWindow {
  private inFlight = 0;
  /** Completion times of recent attempts, oldest first. */
  private done: number[] = [];
  private waiters: (() => void)[] = [];

  constructor(
    readonly limit: number,
    readonly windowMs = 1000,
    private readonly clock: () => number = () => performance.now(),
    private readonly sleep: (ms: number) => Promise<void> = (ms) => Bun.sleep(ms),
  ) {
    if (!(limit >= 1)) throw new Error(`a sliding window needs a limit of at least 1 (got ${limit})`);
  }

  /** Wait for a free place, then hold it until `release()`. */
  async acquire(): Promise<void> {
    for (;;) {
      const now = this.clock();
      while (this.done.length > 0 && this.done[0]! <= now - this.windowMs) this.done.shift();
      if (this.inFlight + this.done.length < this.limit) {
        this.inFlight++;
        return;
      }
      if (this.done.length > 0 && this.inFlight < this.limit) {
        // Full of recent completions: the oldest leaves the window at done[0] + windowMs.
        await this.sleep(this.done[0]! + this.windowMs - now + 0.5);
      } else {
        await new Promise<void>((resolve) => this.waiters.push(resolve));
      }
    }
  }

  /** The attempt holding a place has completed (answer or error). */
  release(): void {
    this.inFlight--;
    this.done.push(this.clock());
    if (this.done.length > this.limit) this.done.shift();
    // Wake every waiter: each checks again (a freed place may let one in, the others wait on).
    const waiting = this.waiters;
    this.waiters = [];
    for (const wake of waiting) wake();
  }
}

/** An SDK v3 client, seen only through its middleware stack (keeps this file free of SDK imports). */
interface MiddlewareClient {
  middlewareStack: object;
}

interface Stack {
  add(mw: unknown, opts: unknown): void;
  remove(name: string): boolean;
}

/**
 * Put every attempt of `command` (e.g. "PutMetadataCommand") sent by `client` through the windows
 * that `windowsFor(input)` names (say one per channel and one for the account), taken in that order.
 * Placed after the SDK's retry middleware, so each retry is paced too. Returns the function that
 * takes it off again.
 */
export function paceAttempts(client: MiddlewareClient, command: string, windowsFor: (input: Record<string, unknown>) => SlidingWindow[]): () => void {
  const name = `ivsctlPace${command}`;
  const stack = client.middlewareStack as Stack;
  stack.add(
    (next: (args: { input: Record<string, unknown> }) => Promise<unknown>, context: { commandName?: string }) => async (args: { input: Record<string, unknown> }) => {
      const windows = context.commandName === command ? windowsFor(args.input) : [];
      const held: SlidingWindow[] = [];
      try {
        for (const w of windows) {
          await w.acquire();
          held.push(w);
        }
        return await next(args);
      } finally {
        for (const w of held) w.release();
      }
    },
    // finalizeRequest, low priority: inside the retry middleware (high priority), so once per attempt.
    { step: "finalizeRequest", priority: "low", name },
  );
  return () => void stack.remove(name);
}

/**
 * Calls `attempt` again while AWS answers ThrottlingException, at most `maxRetries` more times, waiting 250 ms, 500 ms,
 * ... up to 4 s between. For requests whose order or place matters (a metadata sequence, token i of n): the SDK's own
 * retries give up sooner when another caller shares the account's quota. Other errors, and the last throttle, are thrown.
 */
export async function retryThrottled<T>(
  attempt: () => Promise<T>,
  o: { maxRetries: number; sleep: (ms: number) => Promise<void>; onRetry?: () => void },
): Promise<T> {
  for (let throttles = 0; ; ) {
    try {
      return await attempt();
    } catch (e) {
      if (toCliError(e).code !== "ThrottlingException" || throttles >= o.maxRetries) throw e;
      throttles++;
      o.onRetry?.();
      await o.sleep(Math.min(4_000, 250 * 2 ** (throttles - 1)));
    }
  }
}
