/**
 * `vp invite` on the local emulator: AWS calls per invite (stack resolution and token included;
 * target <= 5) and wall time from command start to RUNNING + CONNECTED (`--wait`).
 */
import { BENCH_BIN, BENCH_ENV, median, startBenchEmulator, type BenchRow } from "./lib.ts";

const RUNS = Number(process.env.BENCH_VP_RUNS ?? 5);

export async function benchVp(): Promise<BenchRow[]> {
  const em = await startBenchEmulator();
  const env = { ...BENCH_ENV, IVSCTL_LOCAL_ENDPOINT: em.endpoint, IVSCTL_STACK: "ivsctl-local", IVSCTL_LOCAL: "1" };
  const run = (args: string[]) => {
    const p = Bun.spawnSync([BENCH_BIN, ...args], { env, stdout: "pipe", stderr: "pipe" });
    if (p.exitCode !== 0) throw new Error(`ivsctl ${args.join(" ")}: ${p.stderr.toString()}`);
    return p.stdout.toString();
  };
  const counts = async () => (await (await fetch(`${em.endpoint}/_ivsctl/requests`)).json()) as Record<string, number>;
  const total = (c: Record<string, number>) => Object.values(c).reduce((a, b) => a + b, 0);
  try {
    const stageArn: string = JSON.parse(run(["stage", "create", "--name", "bench-vp", "--no-token", "-o", "json"])).stage.arn;
    run(["keys", "rotate", "--grace", "0s", "--yes", "--no-restart-vps", "-q"]); // the stack key exists: tokens are self-signed
    const calls: number[] = [];
    const times: number[] = [];
    for (let i = 0; i < RUNS; i++) {
      const before = total(await counts());
      const t = performance.now();
      run(["vp", "invite", stageArn, "--wait", "-q"]);
      times.push(performance.now() - t);
      calls.push(total(await counts()) - before);
      run(["vp", "kick", stageArn, "--all", "-q"]);
    }
    // --wait polls DescribeTasks/GetParticipant; count the calls of a plain invite too, cold and warm.
    const plainCalls = (extraEnv: Record<string, string>) => {
      return (async () => {
        const before = total(await counts());
        const p = Bun.spawnSync([BENCH_BIN, "vp", "invite", stageArn, "-q"], { env: { ...env, ...extraEnv }, stdout: "pipe", stderr: "pipe" });
        if (p.exitCode !== 0) throw new Error(p.stderr.toString());
        const n = total(await counts()) - before;
        run(["vp", "kick", stageArn, "--all", "-q"]);
        return n;
      })();
    };
    const cold = await plainCalls({ IVSCTL_NO_CACHE: "1" });
    const warm = await plainCalls({});
    return [
      { name: "vp invite: AWS calls (stage ARN, self-signed token)", median: warm, unit: "calls", runs: 1, note: `target <= 5 before the concurrent-invite check (one more ListTasks after RunTask); resolution and token included; ${cold} with a cold cache (+ListStackResources, +DescribeTaskDefinition)` },
      { name: "vp invite --wait: AWS calls incl. polling", median: median(calls), unit: "calls", runs: RUNS },
      { name: "vp invite --wait: start -> RUNNING + CONNECTED (local)", median: median(times), runs: RUNS, note: "emulator steps 300 ms (PROVISIONING, PENDING, RUNNING)" },
    ];
  } finally {
    await em.stop();
  }
}

if (import.meta.main) console.table(await benchVp());
