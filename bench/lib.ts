/** Shared benchmark helpers: medians over repeated runs, measured side by side in one process. */
export interface BenchRow {
  name: string;
  /** Median in milliseconds (or another unit named in `unit`). */
  median: number;
  unit?: string;
  runs: number;
  /** e.g. "12.3x faster than aws ivs list-channels" */
  note?: string;
}

export function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

/** Time a command `runs` times (after `warmup` untimed runs); returns the median wall time in ms. */
export async function timeCommand(cmd: string[], opts: { runs?: number; warmup?: number; env?: Record<string, string> } = {}): Promise<{ median: number; runs: number }> {
  const runs = opts.runs ?? 20;
  const times: number[] = [];
  for (let i = 0; i < (opts.warmup ?? 2) + runs; i++) {
    const t = performance.now();
    const p = Bun.spawnSync(cmd, { env: { ...process.env, ...opts.env }, stdout: "ignore", stderr: "ignore" });
    const dt = performance.now() - t;
    if (p.exitCode !== 0) throw new Error(`${cmd.join(" ")} exited ${p.exitCode}`);
    if (i >= (opts.warmup ?? 2)) times.push(dt);
  }
  return { median: median(times), runs };
}

/** Time an async function `runs` times; median ms. */
export async function timeFn(fn: () => Promise<unknown> | unknown, runs = 20, warmup = 2): Promise<{ median: number; runs: number }> {
  const times: number[] = [];
  for (let i = 0; i < warmup + runs; i++) {
    const t = performance.now();
    await fn();
    if (i >= warmup) times.push(performance.now() - t);
  }
  return { median: median(times), runs };
}

/** The compiled binary under test (IVSCTL_BIN overrides). */
export const BENCH_BIN = process.env.IVSCTL_BIN ?? `${import.meta.dir}/../dist/ivsctl`;

/** Dummy credentials and a fixed region, for ivsctl and the AWS CLI against the emulator. */
export const BENCH_ENV: Record<string, string> = {
  ...(process.env as Record<string, string>),
  AWS_ACCESS_KEY_ID: "AKIDLOCAL",
  AWS_SECRET_ACCESS_KEY: "local-secret",
  AWS_DEFAULT_REGION: "us-east-1",
  AWS_PAGER: "",
  NO_COLOR: "1",
};

/** `ivsctl local` on a free port with in-memory state, for one benchmark. */
export async function startBenchEmulator(extraEnv: Record<string, string> = {}): Promise<{ endpoint: string; stop: () => Promise<void> }> {
  const proc = Bun.spawn([BENCH_BIN, "local", "start", "--port", "0", "--state", ":memory:", "-o", "json"], { stdout: "pipe", stderr: "ignore", env: { ...BENCH_ENV, IVSCTL_LOCAL_RATE_LIMITS: "off", ...extraEnv } }); // benchmarks measure ivsctl, not the quotas
  const reader = proc.stdout.getReader();
  let buf = "";
  while (!buf.includes("\n")) {
    const { value, done } = await reader.read();
    if (done) throw new Error("the emulator exited at start");
    buf += new TextDecoder().decode(value);
  }
  reader.releaseLock();
  return {
    endpoint: JSON.parse(buf.split("\n")[0]!).endpoint,
    async stop() {
      proc.kill("SIGTERM");
      await proc.exited;
    },
  };
}
