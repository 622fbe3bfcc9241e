/**
 * An `ivsctl local` emulator for a test file: the compiled binary's own `local start`, on a free
 * port, with in-memory state, stopped when the file ends.
 */
import type { Subprocess } from "bun";
import { BIN, baseEnv, ivsctl, type RunResult } from "./cli.ts";

/** The channel of the emulator's seeded `ivsctl-channel` stack: every fresh emulator has it. */
export const SEEDED_CHANNEL = "ivsctl-channel-channel";

export interface LocalEmulator {
  endpoint: string;
  /** Runs ivsctl with --local pointed at this emulator. */
  run(args: string[], opts?: { env?: Record<string, string | undefined>; stdin?: string | Uint8Array; timeoutMs?: number }): Promise<RunResult>;
  /** The env that points ivsctl (or the AWS CLI) at this emulator. */
  env: Record<string, string>;
  /** Inject a failure (see src/local/server.ts Fault). */
  fault(f: Record<string, unknown>): Promise<void>;
  clearFaults(): Promise<void>;
  stop(): Promise<void>;
}

export async function startEmulator(extraEnv: Record<string, string> = {}): Promise<LocalEmulator> {
  const proc: Subprocess<"ignore", "pipe", "pipe"> = Bun.spawn([BIN, "local", "start", "--port", "0", "--state", ":memory:", "-o", "json"], {
    env: baseEnv(extraEnv),
    stdin: "ignore",
    stdout: "pipe",
    stderr: "pipe",
  });
  const reader = proc.stdout.getReader();
  let buf = "";
  const deadline = Date.now() + 15_000;
  while (!buf.includes("\n")) {
    if (Date.now() > deadline) throw new Error("emulator did not start");
    const { value, done } = await reader.read();
    if (done) throw new Error(`emulator exited: ${await new Response(proc.stderr).text()}`);
    buf += new TextDecoder().decode(value);
  }
  reader.releaseLock();
  const { endpoint } = JSON.parse(buf.split("\n")[0]!) as { endpoint: string };
  const env = { IVSCTL_LOCAL_ENDPOINT: endpoint, ...extraEnv };
  return {
    endpoint,
    env,
    run: (args, opts = {}) => ivsctl([...args, "--local"], { ...opts, env: { ...env, ...opts.env } }),
    async fault(f) {
      await fetch(`${endpoint}/_ivsctl/faults`, { method: "POST", body: JSON.stringify(f) });
    },
    async clearFaults() {
      await fetch(`${endpoint}/_ivsctl/faults`, { method: "DELETE" });
    },
    async stop() {
      proc.kill("SIGTERM");
      await proc.exited;
    },
  };
}

/**
 * Where the end-to-end scenarios run: `ivsctl local` (default), or a real AWS account with
 * IVSCTL_E2E_TARGET=aws and the usual AWS credentials/region in the environment. Against AWS,
 * everything the scenario creates is tagged ivsctl:e2e=<run id> (IVSCTL_DEFAULT_TAGS) and swept
 * (`ivsctl sweep`) when the file ends. Scenario files that support both call startTarget().
 */
export const E2E_TARGET: "local" | "aws" = process.env.IVSCTL_E2E_TARGET === "aws" ? "aws" : "local";

const AWS_PASSTHROUGH = ["AWS_ENDPOINT_URL", "AWS_PROFILE", "AWS_REGION", "AWS_DEFAULT_REGION", "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "AWS_CONFIG_FILE", "AWS_SHARED_CREDENTIALS_FILE"];

export async function startTarget(): Promise<LocalEmulator> {
  if (E2E_TARGET === "local") return startEmulator();
  const runId = `run-${Date.now().toString(36)}`;
  const env: Record<string, string> = { IVSCTL_DEFAULT_TAGS: `ivsctl:e2e=${runId}`, HOME: process.env.HOME ?? "/root" };
  for (const k of AWS_PASSTHROUGH) if (process.env[k]) env[k] = process.env[k]!;
  const noFaults = async () => {
    throw new Error("fault injection needs ivsctl local (IVSCTL_E2E_TARGET=aws)");
  };
  return {
    endpoint: "",
    env,
    run: (args, opts = {}) => ivsctl(args, { ...opts, env: { ...env, ...opts.env } }),
    fault: noFaults,
    clearFaults: async () => {},
    async stop() {
      const r = await ivsctl(["sweep", "--tag", `ivsctl:e2e=${runId}`, "--yes"], { env });
      if (r.code !== 0) process.stderr.write(`sweep of ${runId} failed: ${r.stderr}\nrun \`ivsctl sweep --tag ivsctl:e2e=${runId} --yes\` by hand\n`);
    },
  };
}

/** Arrival times (ms) of one operation at the emulator since `since` (`GET /_ivsctl/requests/log`), optionally for one resource. */
export async function arrivalsAt(endpoint: string, operation: string, since: number, resource?: string): Promise<number[]> {
  const log = (await (await fetch(`${endpoint}/_ivsctl/requests/log?operation=${operation}`)).json()) as { requests: { at: number; resource?: string }[] };
  return log.requests.filter((q) => q.at >= since && (resource === undefined || q.resource === resource)).map((q) => q.at).sort((a, b) => a - b);
}

/** The most arrivals in any half-open window [t, t + windowMs): it starts at some arrival. */
export function busiestWindow(arrivals: number[], windowMs = 1000): number {
  return Math.max(0, ...arrivals.map((t) => arrivals.filter((a) => a >= t && a < t + windowMs).length));
}

/**
 * Runs `args` until it succeeds (a `metadata put` is the way to know a channel is LIVE: it answers
 * ChannelNotBroadcasting until then), at most `tries` times `everyMs` apart; returns the last run.
 */
export async function runUntilOk(target: LocalEmulator, args: string[], tries = 60, everyMs = 250): Promise<RunResult> {
  let r = await target.run(args);
  for (let i = 1; i < tries && r.code !== 0; i++) {
    await Bun.sleep(everyMs);
    r = await target.run(args);
  }
  return r;
}
