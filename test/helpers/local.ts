/**
 * An `ivsctl local` emulator for a test file: the compiled binary's own `local start`, on a free
 * port, with in-memory state, stopped when the file ends.
 */
import type { Subprocess } from "bun";
import { BIN, baseEnv, ivsctl, type RunResult } from "./cli.ts";

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
