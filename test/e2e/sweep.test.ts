/** `ivsctl sweep --tag`: removes exactly what carries the tag; IVSCTL_DEFAULT_TAGS tags what is created. */
import { afterAll, beforeAll, expect, test } from "bun:test";
import { BIN, baseEnv, ensureBinary, json } from "../helpers/cli.ts";
import { waitFor } from "../helpers/proc.ts";
import { skipReason, which } from "../helpers/tools.ts";
import { startEmulator, type LocalEmulator, arrivalsAt, busiestWindow } from "../helpers/local.ts";

let local: LocalEmulator;
beforeAll(async () => {
  ensureBinary();
  local = await startEmulator();
});
afterAll(() => local?.stop());

test("IVSCTL_DEFAULT_TAGS tags every created resource; sweep deletes exactly those, in a safe order", async () => {
  const run = { IVSCTL_DEFAULT_TAGS: "ivsctl:e2e=run-42", IVSCTL_STACK: "ivsctl-local" };
  const channel = json(await local.run(["channel", "create", "--name", "swept", "-o", "json"], { env: run })).channel;
  expect(channel.tags).toEqual({ "ivsctl:e2e": "run-42" });
  const kept = json(await local.run(["channel", "create", "--name", "kept", "-o", "json"])).channel;
  const stage = json(await local.run(["stage", "create", "--name", "swept", "--no-token", "-o", "json"], { env: run })).stage;
  expect(stage.tags).toMatchObject({ "ivsctl:e2e": "run-42" });
  const rec = json(await local.run(["recording", "create", "--bucket", "swept-bucket", "-o", "json"], { env: run })).recordingConfiguration;
  expect((await local.run(["keys", "rotate", "--grace", "0s", "-q"], { env: run })).code).toBe(0);

  const dry = await local.run(["sweep", "--tag", "ivsctl:e2e=run-42", "--dry-run", "-o", "json"]);
  expect(dry.code).toBe(0);
  const planned = json(dry).resources.map((r: { type: string; arn: string; result: string }) => [r.type, r.result]);
  expect(planned).toEqual([
    ["stage", "would delete"],
    ["channel", "would delete"],
    ["recording-configuration", "would delete"],
    ["public-key", "would delete"],
  ]);
  expect((await local.run(["sweep", "--tag", "ivsctl:e2e=run-42"])).code).toBe(2); // not on a terminal: needs --yes
  const swept = await local.run(["sweep", "--tag", "ivsctl:e2e=run-42", "--yes", "-o", "json"]);
  expect(swept.code).toBe(0);
  expect(json(swept).resources.every((r: { result: string }) => r.result === "deleted")).toBe(true);

  const channels = json(await local.run(["channel", "list", "-o", "json"])).channels.map((c: { arn: string }) => c.arn);
  expect(channels).toContain(kept.arn);
  expect(channels).not.toContain(channel.arn);
  expect((await local.run(["recording", "get", rec.arn])).code).toBe(4);
  expect((await local.run(["stage", "get", stage.arn])).code).toBe(4);
  const again = await local.run(["sweep", "--tag", "ivsctl:e2e=run-42", "--yes", "-o", "json"]);
  expect(json(again).resources).toEqual([]);
});

if (!which("ffmpeg")) skipReason("sweeping a live channel", "ffmpeg");
test.skipIf(!which("ffmpeg"))("a live channel is swept: its stream is stopped first, then it is deleted", async () => {
  const arn = json(await local.run(["channel", "create", "--name", "live-swept", "--tag", "sweep=live", "-o", "json"])).channel.arn;
  const ingest = Bun.spawn([BIN, "ingest", arn, "--duration", "60s", "--local", "-q"], { env: baseEnv(local.env), stdout: "ignore", stderr: "ignore" });
  await waitFor("LIVE", async () => (await local.run(["stream", "get", arn, "-o", "json"])).stdout.includes('"LIVE"'));
  const swept = await local.run(["sweep", "--tag", "sweep=live", "--yes", "-o", "json"]);
  expect(swept.code).toBe(0);
  expect(json(swept).resources).toEqual([{ type: "channel", arn, name: "live-swept", result: "deleted" }]);
  expect(await ingest.exited).not.toBe(0); // the encoder was disconnected
});

test("sweep without a tag is refused", async () => {
  const r = await local.run(["sweep", "--yes"]);
  expect(r.code).toBe(2);
  expect(r.stderr).toBe("error: give at least one --tag k=v: sweep never deletes untagged resources\n");
});

test("a large sweep paces itself under IVS's documented rates: at most 5 DeleteChannel in any 1 s window, no throttling", async () => {
  const tag = { IVSCTL_DEFAULT_TAGS: "ivsctl:e2e=run-many" };
  for (let i = 0; i < 12; i++) {
    expect((await local.run(["channel", "create", "--name", `many-${i}`, "-q"], { env: tag })).code).toBe(0);
    await Bun.sleep(220); // CreateChannel is itself limited to 5 TPS; the emulator enforces it
  }
  const since = performance.timeOrigin + performance.now();
  const r = await local.run(["sweep", "--tag", "ivsctl:e2e=run-many", "--yes", "-o", "json"], { timeoutMs: 60_000 });
  expect(r.code).toBe(0);
  expect(json(r).resources.filter((x: { result: string }) => x.result === "deleted")).toHaveLength(12);
  const arrivals = await arrivalsAt(local.endpoint, "ivs:DeleteChannel", since);
  expect(arrivals).toHaveLength(12); // no attempt throttled and retried
  expect(busiestWindow(arrivals)).toBeLessThanOrEqual(5);
}, 60_000);
