/**
 * `bun run bench`: start-up and end-to-end latency of the compiled binary, measured side by side
 * with the AWS CLI in one run, reported as medians and ratios. Not a test: nothing here asserts.
 */
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { BENCH_BIN as BIN, BENCH_ENV as env, startBenchEmulator, timeCommand, type BenchRow } from "./lib.ts";

const RUNS = Number(process.env.BENCH_RUNS ?? 30);
if (!existsSync(BIN)) throw new Error(`${BIN} missing: run bun run build`);

const rows: BenchRow[] = [];
const row = (name: string, m: { median: number; runs: number }, note?: string) => rows.push({ name, median: m.median, runs: m.runs, note });

const emulator = await startBenchEmulator();
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
await emulator.stop();

// Benchmarks contributed by each capability, when present.
for (const [file, fn] of [["tokens.ts", "benchTokens"], ["stage.ts", "benchStage"], ["vp.ts", "benchVp"], ["vp-run.ts", "benchVpRun"], ["ingest.ts", "benchIngest"]] as const) {
  if (!existsSync(join(import.meta.dir, file))) continue;
  const mod = (await import(`./${file}`)) as Record<string, () => Promise<BenchRow[]>>;
  if (typeof mod[fn] === "function") rows.push(...(await mod[fn]()));
}

const show = (r: BenchRow) => (r.unit ? `${r.median >= 100 ? r.median.toFixed(0) : r.median.toFixed(2)} ${r.unit}` : `${r.median.toFixed(1)} ms`);
const width = Math.max(...rows.map((r) => r.name.length));
console.log(`${"benchmark".padEnd(width)}  ${"median".padStart(16)}  runs  note`);
for (const r of rows) console.log(`${r.name.padEnd(width)}  ${show(r).padStart(16)}  ${String(r.runs).padStart(4)}  ${r.note ?? ""}`);

// The README's benchmark table is this run's output, between its markers (BENCH_README=0 to skip).
if (process.env.BENCH_README !== "0") {
  const readme = join(import.meta.dir, "..", "README.md");
  const text = readFileSync(readme, "utf8");
  const start = text.indexOf("<!-- bench:start -->");
  const end = text.indexOf("<!-- bench:end -->");
  if (start >= 0 && end > start) {
    const cpu = `${navigator.hardwareConcurrency} cores`;
    const table = [
      `Measured by \`bun run bench\` on ${new Date().toISOString().slice(0, 10)} (${cpu}, Bun ${Bun.version}); medians of repeated runs.`,
      "",
      "| benchmark | median | runs | note |",
      "|---|---|---|---|",
      ...rows.map((r) => `| ${r.name} | ${show(r)} | ${r.runs} | ${r.note ?? ""} |`),
    ].join("\n");
    writeFileSync(readme, `${text.slice(0, start)}<!-- bench:start -->\n${table}\n${text.slice(end)}`);
    console.log("\nREADME.md benchmark table updated");
  }
}
