/**
 * `ivsctl vp run` benchmarks (called by bench/bench.ts), against the local emulator's WHIP endpoint:
 *  - start -> published: from spawning the process to its `published` line (first RTP packet written to
 *    the WebRTC track after ICE + DTLS), target <= 2 s;
 *  - CPU-seconds per published second at 720p30 (the `vp run` process and its ffmpeg, user + system),
 *    side by side with `ivsctl ingest`'s encoder on the same 720p30 asset file.
 */
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { BENCH_BIN, BENCH_ENV, median, startBenchEmulator, type BenchRow } from "./lib.ts";

const post = (endpoint: string, op: string, body: unknown) =>
  fetch(`${endpoint}/${op}`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) }).then((r) => r.json() as Promise<any>);

/** Runs `vp run` until `published`, then `seconds` more; returns ms to published and CPU-seconds per published second. */
async function oneRun(endpoint: string, stage: any, asset: string, seconds: number): Promise<{ toPublished: number; cpuPerSecond: number }> {
  const { participantToken } = await post(endpoint, "CreateParticipantToken", { stageArn: stage.arn, capabilities: ["PUBLISH"] });
  const t0 = performance.now();
  const proc = Bun.spawn([BENCH_BIN, "vp", "run"], {
    env: { ...BENCH_ENV, PATH: process.env.PATH ?? "", PARTICIPANT_TOKEN: participantToken.token, WHIP_URL: stage.endpoints.whip, ASSET_NAME: asset },
    stdout: "pipe",
    stderr: "ignore",
  });
  let toPublished = -1;
  let publishedAt = 0;
  const reader = (async () => {
    let buf = "";
    for await (const chunk of proc.stdout) {
      buf += new TextDecoder().decode(chunk);
      if (toPublished < 0 && buf.includes('"event":"published"')) {
        publishedAt = performance.now();
        toPublished = publishedAt - t0;
      }
    }
  })();
  while (toPublished < 0 && proc.exitCode === null) await Bun.sleep(5);
  if (toPublished < 0) throw new Error(`vp run exited ${proc.exitCode} before publishing`);
  await Bun.sleep(seconds * 1000);
  proc.kill("SIGTERM");
  await proc.exited;
  await reader;
  const published = (performance.now() - publishedAt) / 1000;
  const usage = proc.resourceUsage()!; // includes its reaped ffmpeg
  return { toPublished, cpuPerSecond: (Number(usage.cpuTime.user) + Number(usage.cpuTime.system)) / 1e6 / published };
}

export async function benchVpRun(): Promise<BenchRow[]> {
  if (!Bun.which("ffmpeg")) {
    console.error("ffmpeg not installed: no vp run benchmark rows");
    return [];
  }
  const dir = mkdtempSync(join(tmpdir(), "ivsctl-bench-vp-run-"));
  const asset = join(dir, "720p30.mp4");
  const made = Bun.spawnSync(["ffmpeg", "-hide_banner", "-loglevel", "error", "-f", "lavfi", "-i", "testsrc2=size=1280x720:rate=30", "-f", "lavfi", "-i", "sine=frequency=1000:sample_rate=48000", "-t", "12", "-c:v", "libx264", "-preset", "ultrafast", "-c:a", "aac", "-y", asset]);
  if (made.exitCode !== 0) throw new Error("could not make the 720p30 asset");
  const em = await startBenchEmulator();
  const rows: BenchRow[] = [];
  try {
    const { stage } = await post(em.endpoint, "CreateStage", { name: "bench-vp-run" });
    const runs = Number(process.env.BENCH_VP_RUN_RUNS ?? 5);
    const starts: number[] = [];
    for (let i = 0; i < runs; i++) starts.push((await oneRun(em.endpoint, stage, "", 0.5)).toPublished);
    rows.push({ name: "ivsctl vp run: start -> published (local WHIP)", median: median(starts), runs, note: `target <= 2000 ms; max ${Math.max(...starts).toFixed(0)} ms` });

    const seconds = Number(process.env.BENCH_VP_RUN_SECONDS ?? 10);
    const cpuRuns = Number(process.env.BENCH_VP_RUN_CPU_RUNS ?? 2);
    const vpCpu: number[] = [];
    const ingestCpu: number[] = [];
    const created = await post(em.endpoint, "CreateChannel", { name: "bench-vp-run-ingest" });
    for (let i = 0; i < cpuRuns; i++) {
      vpCpu.push((await oneRun(em.endpoint, stage, asset, seconds)).cpuPerSecond);
      // ivsctl ingest on the same file, into the emulator's RTMPS listener (its own process + ffmpeg).
      const proc = Bun.spawn([BENCH_BIN, "ingest", created.channel.arn, "--file", asset, "--duration", `${seconds}s`, "--local", "-q"], {
        env: { ...BENCH_ENV, PATH: process.env.PATH ?? "", IVSCTL_LOCAL_ENDPOINT: em.endpoint },
        stdout: "ignore",
        stderr: "ignore",
      });
      await proc.exited;
      const u = proc.resourceUsage()!;
      ingestCpu.push((Number(u.cpuTime.user) + Number(u.cpuTime.system)) / 1e6 / seconds);
    }
    rows.push({ name: "ivsctl vp run: CPU-s per published s, 720p30 file", median: median(vpCpu), runs: cpuRuns, unit: "CPU-s/s", note: `ivsctl ingest, same file: ${median(ingestCpu).toFixed(2)} CPU-s/s` });
  } finally {
    await em.stop();
  }
  return rows;
}

if (import.meta.main) for (const r of await benchVpRun()) console.log(JSON.stringify(r));
