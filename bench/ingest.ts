/**
 * Ingest benchmarks (called by bench/bench.ts):
 *  - time from `ivsctl ingest --wait-live` start to GetStream LIVE on the local emulator (target ≤ 1.5 s);
 *  - encoder CPU-seconds per stream-second at 720p30 (target ≤ 1.0 on 2 cores), ivsctl's ffmpeg
 *    settings against the ffmpeg command of AWS's IVS streaming sample, same synthetic source, same
 *    run, both publishing to the emulator's RTMPS listener.
 */
import { ffmpegArgs } from "../src/ingest/ffmpeg.ts";
import { buildPlan, FONT_CANDIDATES } from "../src/ingest/plan.ts";
import { BENCH_BIN, BENCH_ENV, median, startBenchEmulator, type BenchRow } from "./lib.ts";

const BIN = BENCH_BIN;
const env = BENCH_ENV;
const emulator = () => startBenchEmulator();

const call = (endpoint: string, op: string, body: unknown) => fetch(`${endpoint}/${op}`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) });

async function waitState(endpoint: string, channelArn: string, live: boolean, deadlineMs = 15_000): Promise<number> {
  const t0 = performance.now();
  while (performance.now() - t0 < deadlineMs) {
    const r = await call(endpoint, "GetStream", { channelArn });
    await r.arrayBuffer();
    if ((r.status === 200) === live) return performance.now();
    await Bun.sleep(10);
  }
  throw new Error(`stream did not become ${live ? "LIVE" : "OFFLINE"}`);
}

/** CPU seconds (user + system) of one ffmpeg run, per second of media sent. */
async function cpuPerStreamSecond(args: string[], seconds: number): Promise<number> {
  const proc = Bun.spawn(["ffmpeg", ...args], { stdout: "ignore", stderr: "ignore" });
  const code = await proc.exited;
  if (code !== 0) throw new Error(`ffmpeg exited ${code}`);
  const usage = proc.resourceUsage()!;
  return (Number(usage.cpuTime.user) + Number(usage.cpuTime.system)) / 1e6 / seconds;
}

export async function benchIngest(): Promise<BenchRow[]> {
  if (!Bun.which("ffmpeg")) {
    console.error("ffmpeg not installed: no ingest benchmark rows");
    return [];
  }
  const rows: BenchRow[] = [];
  const em = await emulator();
  try {
    const created = (await (await call(em.endpoint, "CreateChannel", { name: "bench-ingest" })).json()) as any;
    const arn: string = created.channel.arn;
    const key: string = created.streamKey.value;
    const ingestEndpoint: string = created.channel.ingestEndpoint;

    // 1. Command start -> LIVE, measured from outside the command by polling GetStream.
    const times: number[] = [];
    const runs = Number(process.env.BENCH_INGEST_RUNS ?? 5);
    for (let i = 0; i < runs; i++) {
      const t0 = performance.now();
      const proc = Bun.spawn([BIN, "ingest", "bench-ingest", "--duration", "2s", "--local", "-q"], { env: { ...env, IVSCTL_LOCAL_ENDPOINT: em.endpoint }, stdout: "ignore", stderr: "ignore" });
      times.push((await waitState(em.endpoint, arn, true)) - t0);
      await proc.exited;
      await waitState(em.endpoint, arn, false);
    }
    const live = median(times);
    rows.push({ name: "ivsctl ingest: command start -> LIVE (local)", median: live, runs, note: `target <= 1500 ms; max ${Math.max(...times).toFixed(0)} ms` });

    // 2. Encoder CPU per stream-second, 720p30, same source, both into the emulator over RTMPS.
    const seconds = Number(process.env.BENCH_INGEST_SECONDS ?? 10);
    const url = `rtmps://${ingestEndpoint}/app/${key}`;
    const ours = ffmpegArgs(
      buildPlan({ url, resolution: { width: 1280, height: 720 }, fps: 30, bitrateBps: 3_500_000, audioBitrateBps: 128_000, stage: false, loop: false, durationMs: seconds * 1000, fontFile: FONT_CANDIDATES.find((f) => Bun.file(f).size > 0) }),
    );
    const source = ["-re", "-f", "lavfi", "-i", "testsrc2=size=1280x720:rate=30", "-f", "lavfi", "-i", "sine=frequency=1000:sample_rate=48000"];
    // The ffmpeg command of AWS's IVS pre-recorded streaming sample, scaled to 720p at 3.5 Mbps.
    const aws = [
      "-hide_banner", "-nostdin", ...source, "-t", String(seconds),
      "-c:v", "libx264", "-b:v", "3500K", "-maxrate", "3500K", "-pix_fmt", "yuv420p", "-s", "1280x720", "-profile:v", "main", "-preset", "veryfast",
      "-force_key_frames", "expr:gte(t,n_forced*2)", "-x264opts", "nal-hrd=cbr:no-scenecut",
      "-acodec", "aac", "-ab", "160k", "-ar", "44100", "-f", "flv", url,
    ];
    const oursCpu: number[] = [];
    const awsCpu: number[] = [];
    const cpuRuns = Number(process.env.BENCH_INGEST_CPU_RUNS ?? 2);
    for (let i = 0; i < cpuRuns; i++) {
      oursCpu.push(await cpuPerStreamSecond(ours, seconds));
      await waitState(em.endpoint, arn, false);
      awsCpu.push(await cpuPerStreamSecond(aws, seconds));
      await waitState(em.endpoint, arn, false);
    }
    const o = median(oursCpu);
    const a = median(awsCpu);
    rows.push({ name: "ingest encoder CPU per stream-second, 720p30 (ivsctl)", median: o, unit: "cpu-s/s", runs: cpuRuns, note: `target <= 1.0; clock overlay included; ${(o / a).toFixed(2)}x the AWS sample command's CPU` });
    rows.push({ name: "ingest encoder CPU per stream-second, 720p30 (AWS sample cmd)", median: a, unit: "cpu-s/s", runs: cpuRuns, note: "-preset veryfast, no zerolatency, no overlay" });
  } finally {
    await em.stop();
  }
  return rows;
}

if (import.meta.main) {
  for (const r of await benchIngest()) console.log(`${r.name}  ${r.unit ? `${r.median.toFixed(2)} ${r.unit}` : `${r.median.toFixed(1)} ms`}  runs=${r.runs}  ${r.note ?? ""}`);
}
