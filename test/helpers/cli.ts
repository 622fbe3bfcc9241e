/**
 * Running the compiled binary as a user would: a subprocess, with its exit code, stdout and stderr.
 * IVSCTL_BIN points at another build (helpers building in parallel use their own outfile).
 */
import { existsSync } from "node:fs";
import { join } from "node:path";

export const ROOT = join(import.meta.dir, "..", "..");
export const BIN = process.env.IVSCTL_BIN ?? join(ROOT, "dist", "ivsctl");

export interface RunResult {
  code: number;
  stdout: string;
  stderr: string;
}

export function ensureBinary(): void {
  if (!existsSync(BIN)) throw new Error(`${BIN} is missing: run \`bun run build\` first (bun run test does)`);
}

/** A clean environment: no AWS settings leak in from the machine running the tests. */
export function baseEnv(extra: Record<string, string | undefined> = {}): Record<string, string> {
  const env: Record<string, string> = {
    PATH: process.env.PATH ?? "/usr/bin:/bin",
    HOME: process.env.IVSCTL_TEST_HOME ?? "/tmp/ivsctl-test-home",
    IVSCTL_HOME: process.env.IVSCTL_TEST_HOME ?? "/tmp/ivsctl-test-home",
    NO_COLOR: "1",
    AWS_EC2_METADATA_DISABLED: "true",
    // Emulated VP tasks join in-process (no `vp run` + ffmpeg per task); vp-run.test.ts asks for real ones.
    IVSCTL_LOCAL_VP: "simulated",
  };
  for (const [k, v] of Object.entries(extra)) if (v !== undefined) env[k] = v;
  return env;
}

export async function ivsctl(args: string[], opts: { env?: Record<string, string | undefined>; stdin?: string | Uint8Array; timeoutMs?: number } = {}): Promise<RunResult> {
  const proc = Bun.spawn([BIN, ...args], {
    env: baseEnv(opts.env),
    stdin: opts.stdin === undefined ? "ignore" : new Blob([opts.stdin]),
    stdout: "pipe",
    stderr: "pipe",
    timeout: opts.timeoutMs ?? 30_000,
  });
  const [stdout, stderr, code] = await Promise.all([new Response(proc.stdout).text(), new Response(proc.stderr).text(), proc.exited]);
  return { code, stdout, stderr };
}

export function json<T = any>(r: RunResult): T {
  try {
    return JSON.parse(r.stdout) as T;
  } catch {
    throw new Error(`stdout is not JSON (exit ${r.code}):\n${r.stdout}\nstderr:\n${r.stderr}`);
  }
}
