/** The sliding window that paces AWS attempts (src/aws/pacing.ts), on a simulated clock. */
import { expect, test } from "bun:test";
import { retryThrottled, SlidingWindow } from "../../src/aws/pacing.ts";

/** A simulated clock: sleeps advance it; tasks run as promises on it. */
function simulated() {
  let now = 0;
  const timers: { at: number; wake: () => void }[] = [];
  const sleep = (ms: number) => new Promise<void>((wake) => timers.push({ at: now + Math.max(0, ms), wake }));
  /** Run until nothing is pending: advance to the next timer each time the microtasks settle. */
  const run = async (work: Promise<unknown>) => {
    let finished = false;
    void work.then(() => (finished = true));
    for (let i = 0; i < 100_000 && !finished; i++) {
      await new Promise((r) => setImmediate(r));
      if (finished) break;
      timers.sort((a, b) => a.at - b.at);
      const t = timers.shift();
      if (t) {
        now = Math.max(now, t.at);
        t.wake();
      }
    }
    await work;
  };
  return { clock: () => now, sleep, run };
}

/** The largest number of `arrivals` in any half-open window [t, t + w). */
function maxInWindow(arrivals: number[], w: number): number {
  const a = [...arrivals].sort((x, y) => x - y);
  let best = 0;
  for (let i = 0, j = 0; i < a.length; i++) {
    while (j < a.length && a[j]! < a[i]! + w) j++;
    best = Math.max(best, j - i);
  }
  return best;
}

test("sequential attempts with varying latency: never more than `limit` arrivals in any 1 s window", async () => {
  const sim = simulated();
  const window = new SlidingWindow(5, 1000, sim.clock, sim.sleep);
  const arrivals: number[] = [];
  // Latency before arrival and after: arrival anywhere inside the attempt, as on a real network.
  const delays = [[1, 40], [30, 2], [0, 0], [90, 5], [2, 2], [50, 50], [0, 120], [7, 3]];
  await sim.run(
    (async () => {
      for (let i = 0; i < 60; i++) {
        await window.acquire();
        const [before, after] = delays[i % delays.length]!;
        await sim.sleep(before!);
        arrivals.push(sim.clock());
        await sim.sleep(after!);
        window.release();
      }
    })(),
  );
  expect(arrivals).toHaveLength(60);
  expect(maxInWindow(arrivals, 1000)).toBe(5);
});

test("8 concurrent workers under a limit of 50: never 51 arrivals in any 1 s window, and all done", async () => {
  const sim = simulated();
  const window = new SlidingWindow(50, 1000, sim.clock, sim.sleep);
  const arrivals: number[] = [];
  let next = 0;
  const worker = async (w: number) => {
    while (next < 400) {
      next++;
      await window.acquire();
      await sim.sleep((w * 3) % 7);
      arrivals.push(sim.clock());
      await sim.sleep((w * 5) % 11);
      window.release();
    }
  };
  await sim.run(Promise.all(Array.from({ length: 8 }, (_, w) => worker(w))));
  expect(arrivals).toHaveLength(400);
  expect(maxInWindow(arrivals, 1000)).toBeLessThanOrEqual(50);
  expect(maxInWindow(arrivals, 1000)).toBeGreaterThan(40); // it does not starve either
});

test("the window check can fail: without the limiter the same arrivals exceed it", () => {
  expect(maxInWindow([0, 100, 200, 300, 400, 999], 1000)).toBe(6);
  expect(maxInWindow([0, 100, 200, 300, 400, 1000], 1000)).toBe(5);
});

const throttled = () => Object.assign(new Error("Rate exceeded"), { name: "ThrottlingException", $metadata: { httpStatusCode: 429 } });

test("retryThrottled: waits 250, 500, 1000 ms between throttles, then returns the answer", async () => {
  const waits: number[] = [];
  let calls = 0;
  let retries = 0;
  const answer = await retryThrottled(async () => (++calls <= 3 ? Promise.reject(throttled()) : "ok"), {
    maxRetries: 8,
    sleep: async (ms) => void waits.push(ms),
    onRetry: () => retries++,
  });
  expect([answer, calls, retries, waits]).toEqual(["ok", 4, 3, [250, 500, 1000]]);
});

test("retryThrottled: gives up after maxRetries, caps the wait at 4 s, and never retries other errors", async () => {
  const waits: number[] = [];
  const sleep = async (ms: number) => void waits.push(ms);
  let calls = 0;
  await expect(retryThrottled(async () => (calls++, Promise.reject(throttled())), { maxRetries: 6, sleep })).rejects.toThrow("Rate exceeded");
  expect([calls, waits]).toEqual([7, [250, 500, 1000, 2000, 4000, 4000]]);
  calls = 0;
  const denied = Object.assign(new Error("denied"), { name: "AccessDeniedException", $metadata: { httpStatusCode: 403 } });
  await expect(retryThrottled(async () => (calls++, Promise.reject(denied)), { maxRetries: 6, sleep })).rejects.toBe(denied);
  expect(calls).toBe(1);
});
