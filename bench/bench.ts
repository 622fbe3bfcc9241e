/**
 * `bun run bench`: start-up and end-to-end latency of the compiled binary, measured side by side
 * with the AWS CLI in one run, reported as medians and ratios. Not a test: nothing here asserts.
 */
import { existsSync } from "node:fs";
import { join } from "node:path";
import { timeCommand, type BenchRow } from "./lib.ts";

const ROOT = join(import.meta.dir, "..");
const BIN = process.env.IVSCTL_BIN ?? join(ROOT, "dist", "ivsctl");
const RUNS = Number(process.env.BENCH_RUNS ?? 30);
if (!existsSync(BIN)) throw new Error(`${BIN} missing: run bun run build`);

const env = { AWS_ACCESS_KEY_ID: "AKIDLOCAL", AWS_SECRET_ACCESS_KEY: "local-secret", AWS_DEFAULT_REGION: "us-east-1", AWS_PAGER: "", NO_COLOR: "1" };

async function startEmulator(): Promise<{ endpoint: string; stop: () => void }> {
  const proc = Bun.spawn([BIN, "local", "start", "--port", "0", "--state", ":memory:", "-o", "json"], { stdout: "pipe", stderr: "ignore", env: { ...process.env, ...env } });
  const reader = proc.stdout.getReader();
  let buf = "";
  while (!buf.includes("\n")) buf += new TextDecoder().decode((await reader.read()).value);
  return { endpoint: JSON.parse(buf.split("\n")[0]!).endpoint, stop: () => proc.kill() };
}

const rows: BenchRow[] = [];
const row = (name: string, m: { median: number; runs: number }, note?: string) => rows.push({ name, median: m.median, runs: m.runs, note });

const emulator = await startEmulator();
const localEnv = { ...env, IVSCTL_LOCAL_ENDPOINT: emulator.endpoint };
for (let i = 0; i < 10; i++) Bun.spawnSync([BIN, "channel", "create", "--name", `bench-${i}`, "--local", "-q"], { env: { ...process.env, ...localEnv } });

const version = await timeCommand([BIN, "--version"], { runs: RUNS });
row("ivsctl --version", version, "target <= 15 ms");
const help = await timeCommand([BIN, "--help"], { runs: RUNS });
row("ivsctl --help", help, "target <= 30 ms");
const list = await timeCommand([BIN, "channel", "list", "-o", "json", "--local"], { runs: RUNS, env: localEnv });
row("ivsctl channel list -o json (local)", list);

if (Bun.which("aws")) {
  const awsVersion = await timeCommand(["aws", "--version"], { runs: Math.min(RUNS, 10), env });
  row("aws --version", awsVersion, `ivsctl --version is ${(awsVersion.median / version.median).toFixed(1)}x faster`);
  const awsList = await timeCommand(["aws", "ivs", "list-channels", "--endpoint-url", emulator.endpoint], { runs: Math.min(RUNS, 10), env });
  row("aws ivs list-channels (local)", awsList, `ivsctl channel list is ${(awsList.median / list.median).toFixed(1)}x faster (target >= 10x)`);
} else {
  console.error("aws CLI not installed: no AWS CLI comparison rows");
}
emulator.stop();

// Benchmarks contributed by each capability, when present.
for (const [file, fn] of [["tokens.ts", "benchTokens"], ["ingest.ts", "benchIngest"], ["stage.ts", "benchStage"]] as const) {
  if (!existsSync(join(import.meta.dir, file))) continue;
  const mod = (await import(`./${file}`)) as Record<string, () => Promise<BenchRow[]>>;
  if (typeof mod[fn] === "function") rows.push(...(await mod[fn]()));
}

const width = Math.max(...rows.map((r) => r.name.length));
console.log(`${"benchmark".padEnd(width)}  ${"median".padStart(10)}  runs  note`);
for (const r of rows) {
  const value = r.unit ? `${r.median.toFixed(2)} ${r.unit}` : `${r.median.toFixed(1)} ms`;
  console.log(`${r.name.padEnd(width)}  ${value.padStart(10)}  ${String(r.runs).padStart(4)}  ${r.note ?? ""}`);
}
