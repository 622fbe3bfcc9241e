/**
 * Crashes mid-operation: the emulator killed mid-rotation or mid-invite (re-running converges,
 * no orphan key, no duplicate VP), and ffmpeg killed mid-ingest (exit 7, temporary ingest
 * configuration removed).
 */
import { afterEach, beforeAll, describe, expect, test } from "bun:test";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Subprocess } from "bun";
import { BIN, baseEnv, ensureBinary, ivsctl, json } from "../helpers/cli.ts";
import { startEmulator } from "../helpers/local.ts";
import { argvOf, childPids, waitFor } from "../helpers/proc.ts";
import { skipReason, which } from "../helpers/tools.ts";

beforeAll(ensureBinary);

/** An emulator with a state file that outlives it, on a fixed port, so it can be killed and restarted. */
class Restartable {
  proc?: Subprocess;
  readonly port = 22000 + Math.floor(Math.random() * 20000);
  readonly endpoint = `http://127.0.0.1:${this.port}`;
  readonly state = join(mkdtempSync(join(tmpdir(), "ivsctl-crash-")), "state.sqlite");
  readonly env = { IVSCTL_LOCAL_ENDPOINT: this.endpoint, IVSCTL_STACK: "ivsctl-local", IVSCTL_KEY_ORPHAN_AGE: "0s" };

  async start(): Promise<void> {
    this.proc = Bun.spawn([BIN, "local", "start", "--port", String(this.port), "--ingest-port", "0", "--state", this.state, "-o", "json"], { env: baseEnv(), stdout: "pipe", stderr: "ignore" });
    await waitFor("the emulator", () => fetch(`${this.endpoint}/_ivsctl/health`).then((r) => r.ok, () => false), 100, 100);
  }
  crash(): void {
    this.proc?.kill("SIGKILL");
  }
  run(args: string[], extra: Record<string, string> = {}) {
    return ivsctl([...args, "--local"], { env: { ...this.env, ...extra } });
  }
  spawn(args: string[]) {
    return Bun.spawn([BIN, ...args, "--local"], { env: baseEnv(this.env), stdout: "pipe", stderr: "pipe" });
  }
  async fault(f: Record<string, unknown>) {
    await fetch(`${this.endpoint}/_ivsctl/faults`, { method: "POST", body: JSON.stringify(f) });
  }
  async count(op: string): Promise<number> {
    return ((await (await fetch(`${this.endpoint}/_ivsctl/requests`)).json()) as Record<string, number>)[op] ?? 0;
  }
}

let em: Restartable | undefined;
afterEach(() => em?.crash());

describe("the emulator killed mid-operation", () => {
  test("mid-rotation: the re-run converges to one current key and no orphan", async () => {
    em = new Restartable();
    await em.start();
    expect((await em.run(["keys", "rotate", "--grace", "0s", "-q"])).code).toBe(0);
    // The second rotation hangs storing the private key, after importing its public key.
    await em.fault({ service: "secretsmanager", operation: "PutSecretValue", code: "Delay", delayMs: 30_000 });
    const rotating = em.spawn(["keys", "rotate", "--grace", "0s"]);
    await waitFor("the public key import", async () => (await em!.count("ivs-realtime:ImportPublicKey")) >= 2);
    em.crash();
    expect(await rotating.exited).toBe(6); // endpoint gone: exit 6, rollback reported incomplete
    await em.start();
    // Without the key of the emulator's other seeded stack (ivsctl-sample).
    const ours = (keys: { name: string; current?: boolean }[]) => keys.filter((k) => !k.name.startsWith("ivsctl-sample-"));
    const before = json(await em.run(["keys", "list", "-o", "json"]));
    expect(ours(before.publicKeys)).toHaveLength(2); // the current key and the interrupted rotation's orphan
    const rerun = await em.run(["keys", "rotate", "--grace", "0s", "-o", "json"]);
    expect(rerun.code).toBe(0);
    // -o json keeps stderr quiet (issue 12): the clean-up is reported in the document's step 5.
    expect(json(rerun).steps[4].detail).toContain("deleted orphan");
    const after = ours(json(await em.run(["keys", "list", "-o", "json"])).publicKeys);
    expect(after).toHaveLength(1);
    expect(after[0].current).toBe(true);
    const minted = await em.run(["stage", "create", "--name", "after-crash", "--self-signed", "-o", "json"]);
    expect(minted.code).toBe(0);
    expect(json(minted).participantTokens[0].source).toBe("self-signed");
  }, 60_000);

  test("mid-invite: the re-run finds the VP that was started, and never starts a second", async () => {
    em = new Restartable();
    await em.start();
    const stage = json(await em.run(["stage", "create", "--name", "vp-crash", "--no-token", "-o", "json"])).stage.arn;
    // RunTask goes through; the --wait polling after it hangs, and the emulator dies then.
    await em.fault({ service: "ecs", operation: "DescribeTasks", code: "Delay", delayMs: 30_000 });
    const inviting = em.spawn(["vp", "invite", stage, "--wait"]);
    await waitFor("RunTask", async () => (await em!.count("ecs:RunTask")) >= 1);
    await waitFor("the first DescribeTasks", async () => (await em!.count("ecs:DescribeTasks")) >= 1);
    em.crash();
    expect(await inviting.exited).toBe(6);
    await em.start();
    const rerun = await em.run(["vp", "invite", stage, "--wait"]);
    expect(rerun.code).toBe(5);
    expect(rerun.stderr).toContain("already has");
    const vps = json(await em.run(["vp", "list", "--stage", stage, "-o", "json"]));
    expect(vps.virtualParticipants).toHaveLength(1);
  }, 60_000);
});

const HAS_FFMPEG = Boolean(which("ffmpeg"));
if (!HAS_FFMPEG) skipReason("ffmpeg killed mid-ingest", "ffmpeg");
describe.skipIf(!HAS_FFMPEG)("ffmpeg killed mid-ingest", () => {
  test("exit 7 with ffmpeg's reason, and the temporary stage ingest configuration is removed", async () => {
    const local = await startEmulator();
    try {
      const stage = json(await local.run(["stage", "create", "--name", "ff-crash", "--no-token", "-o", "json"])).stage.arn;
      const configs = async () => ((await (await fetch(`${local.endpoint}/ListIngestConfigurations`, { method: "POST", headers: { "content-type": "application/json" }, body: "{}" })).json()) as { ingestConfigurations: unknown[] }).ingestConfigurations;
      const proc = Bun.spawn([BIN, "ingest", "--stage", stage, "--duration", "60s", "--local"], { env: baseEnv(local.env), stdout: "pipe", stderr: "pipe" });
      let ffmpeg = 0;
      await waitFor("ffmpeg to start", () => {
        // The publishing ffmpeg (fluent-ffmpeg also runs a short `ffmpeg -encoders` probe first).
        ffmpeg = childPids(proc.pid).find((p) => argvOf(p)[0]?.endsWith("ffmpeg") && argvOf(p).some((a) => a.startsWith("rtmps://"))) ?? 0;
        return ffmpeg > 0;
      });
      expect(await configs()).toHaveLength(1);
      // Kill it mid-stream: once the stage's ingest configuration shows a publisher.
      await waitFor("the publisher", async () => ((await configs()) as { state?: string }[])[0]?.state === "ACTIVE", 80);
      process.kill(ffmpeg, "SIGKILL");
      const [stderr, code] = await Promise.all([new Response(proc.stderr).text(), proc.exited]);
      if (code !== 7) console.error(stderr);
      expect(code).toBe(7);
      expect(stderr).toMatch(/^error: .*ffmpeg/m);
      expect(await configs()).toEqual([]);
    } finally {
      await local.stop();
    }
  }, 60_000);
});
