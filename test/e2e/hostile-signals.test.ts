/**
 * Issue 12, signals: SIGINT, SIGTERM and SIGHUP stop the work, clean up and exit 130/143/129; no
 * child survives and no temporary resource is left.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { readFileSync } from "node:fs";
import { IVSRealTimeClient, ListIngestConfigurationsCommand } from "@aws-sdk/client-ivs-realtime";
import { BIN, baseEnv, ensureBinary, json } from "../helpers/cli.ts";
import { startEmulator, type LocalEmulator, SEEDED_CHANNEL } from "../helpers/local.ts";
import { alive, childPids, waitFor } from "../helpers/proc.ts";
import { skipReason, which } from "../helpers/tools.ts";

const HAS_FFMPEG = Boolean(which("ffmpeg"));
if (!HAS_FFMPEG) skipReason("ingest signal tests with real ffmpeg", "ffmpeg");

let local: LocalEmulator;
let stageArn: string;

beforeAll(async () => {
  ensureBinary();
  local = await startEmulator();
  expect((await local.run(["channel", "create", "--name", "sig-e2e"])).code).toBe(0);
  stageArn = json(await local.run(["stage", "create", "--name", "sig-stage", "--no-token", "-o", "json"])).stage.arn;
});
afterAll(() => local?.stop());

const ffmpegChildren = (pid: number) => childPids(pid).filter((p) => readFileSync(`/proc/${p}/cmdline`, "utf8").includes("ffmpeg"));
async function ingestConfigurations(): Promise<string[]> {
  const rt = new IVSRealTimeClient({ region: "us-east-1", endpoint: local.endpoint, credentials: { accessKeyId: "a", secretAccessKey: "b" } });
  return ((await rt.send(new ListIngestConfigurationsCommand({ filterByStageArn: stageArn }))).ingestConfigurations ?? []).map((c) => c.arn!);
}

/** Read stdout lines until one satisfies `until`; returns the lines so far and the reader to finish with. */
async function readUntil(stream: ReadableStream<Uint8Array>, until: (line: string) => boolean): Promise<{ lines: string[]; rest: () => Promise<string> }> {
  const reader = stream.getReader();
  let buf = "";
  const lines: string[] = [];
  for (;;) {
    const { value, done } = await reader.read();
    if (done) break;
    buf += new TextDecoder().decode(value);
    const parts = buf.split("\n");
    buf = parts.pop()!;
    lines.push(...parts);
    if (parts.some(until)) break;
  }
  return {
    lines,
    rest: async () => {
      let more = buf;
      for (;;) {
        const { value, done } = await reader.read();
        if (done) return more;
        more += new TextDecoder().decode(value);
      }
    },
  };
}
const isLive = async () => (await local.run(["metadata", "put", "sig-e2e", "probe"])).code === 0;

describe.skipIf(!HAS_FFMPEG)("ingest under signals", () => {
  for (const [signal, code] of [["SIGHUP", 129], ["SIGTERM", 143]] as const) {
    test(`${signal} during ingest: ffmpeg stopped, exit ${code}, summary flushed`, async () => {
      const proc = Bun.spawn([BIN, "ingest", "sig-e2e", "--local", "-o", "json"], { env: baseEnv(local.env), stdout: "pipe", stderr: "pipe" });
      const stderrText = new Response(proc.stderr).text();
      // The {"event":"live"} line is how a CI script knows the stream is LIVE (no sleep, no polling).
      const live = await readUntil(proc.stdout, (l) => l.includes('"event":"live"'));
      expect(JSON.parse(live.lines[0]!)).toMatchObject({ event: "live" });
      expect(await isLive()).toBe(true);
      const ff = ffmpegChildren(proc.pid);
      expect(ff).toHaveLength(1);
      proc.kill(signal);
      const [rest, stderr, exit] = await Promise.all([live.rest(), stderrText, proc.exited]);
      expect(exit).toBe(code);
      expect(stderr).toMatch(new RegExp(`error: interrupted \\(${signal}\\): ffmpeg stopped after`));
      const events = [...live.lines, ...rest.trim().split("\n")].map((l) => JSON.parse(l));
      expect(events.at(-1)).toMatchObject({ event: "summary", interrupted: signal });
      await waitFor("ffmpeg to exit", () => !alive(ff[0]!), 40);
      await waitFor("the channel to go OFFLINE", async () => !(await isLive()));
    }, 30_000);
  }

  test("SIGHUP during ingest --stage: ffmpeg stopped, the temporary ingest configuration deleted", async () => {
    const proc = Bun.spawn([BIN, "ingest", "--stage", stageArn, "--local", "-o", "json"], { env: baseEnv(local.env), stdout: "pipe", stderr: "pipe" });
    await waitFor("ffmpeg to start", () => ffmpegChildren(proc.pid).length === 1);
    expect(await ingestConfigurations()).toHaveLength(1);
    const ff = ffmpegChildren(proc.pid);
    proc.kill("SIGHUP");
    const [, stderr, exit] = await Promise.all([new Response(proc.stdout).text(), new Response(proc.stderr).text(), proc.exited]);
    expect(exit).toBe(129);
    expect(stderr).toContain("deleted temporary ingest configuration");
    expect(await ingestConfigurations()).toEqual([]);
    await waitFor("ffmpeg to exit", () => !alive(ff[0]!), 40);
  }, 30_000);

  test("SIGHUP right after the temporary configuration exists (before ffmpeg runs): nothing survives", async () => {
    const proc = Bun.spawn([BIN, "ingest", "--stage", stageArn, "--local", "-o", "json"], { env: baseEnv(local.env), stdout: "pipe", stderr: "pipe" });
    const seen = new Set<number>();
    const watch = setInterval(() => ffmpegChildren(proc.pid).forEach((p) => seen.add(p)), 20);
    const early = await readUntil(proc.stderr, (l) => l.includes("created temporary ingest configuration"));
    proc.kill("SIGHUP");
    const [, rest, exit] = await Promise.all([new Response(proc.stdout).text(), early.rest(), proc.exited]);
    clearInterval(watch);
    expect(exit).toBe(129);
    expect(rest).toContain("deleted temporary ingest configuration");
    expect(await ingestConfigurations()).toEqual([]);
    for (const p of seen) await waitFor(`ffmpeg ${p} to exit`, () => !alive(p), 40);
  }, 30_000);
});

describe("--count minting streams JSON Lines and stops at once on a signal", () => {
  let keyFile: string;
  beforeAll(async () => {
    const dir = (await import("node:fs")).mkdtempSync((await import("node:path")).join((await import("node:os")).tmpdir(), "ivsctl-mint-"));
    keyFile = `${dir}/playback.pem`;
    expect((await local.run(["playback-key", "create", "--name", "sig", "--out", keyFile])).code).toBe(0);
    expect((await local.run(["keys", "rotate", "--stack", "ivsctl-local", "--yes"])).code).toBe(0);
  });
  const cases: [string, string[], (doc: any) => void][] = [
    ["stage token --self-signed --count 100000", ["stage", "token", "sig-stage", "--self-signed", "--stack", "ivsctl-local", "--count", "100000"], (d) => expect(d.participantToken.token).toBeString()],
    ["channel token --count 100000", ["channel", "token", "sig-e2e", "--key", "KEY", "--count", "100000"], (d) => expect(Object.keys(d).sort()).toEqual(["channelArn", "claims", "expiresAt", "playbackUrl", "token"])],
  ];
  for (const [name, args, check] of cases) {
    for (const [signal, code] of [["SIGINT", 130], ["SIGTERM", 143]] as const) {
      test(`${name}: ${signal} after the first lines is exit ${code}; every line written is whole`, async () => {
        const proc = Bun.spawn([BIN, ...args.map((a) => (a === "KEY" ? keyFile : a)), "--local", "-o", "json"], { env: baseEnv(local.env), stdout: "pipe", stderr: "pipe" });
        const stderrText = new Response(proc.stderr).text();
        const first = await readUntil(proc.stdout, () => true);
        proc.kill(signal);
        const [rest, stderr, exit] = await Promise.all([first.rest(), stderrText, proc.exited]);
        expect(exit).toBe(code);
        const lines = [...first.lines, ...rest.split("\n")].filter((l) => l !== "");
        expect(lines.length).toBeGreaterThan(0);
        expect(lines.length).toBeLessThan(100_000);
        for (const l of [lines[0]!, lines.at(-1)!]) check(JSON.parse(l));
        expect(stderr).toMatch(new RegExp(`error: interrupted \\(${signal}\\): ${lines.length} of 100000 (participant|playback) token\\(s\\) written`));
      }, 60_000);
    }
  }
});

describe("what a signal leaves on a slow pipe", () => {
  test("every line ivsctl says it wrote reaches a reader that only starts reading after the exit", async () => {
    const proc = Bun.spawn([BIN, "stage", "token", "sig-stage", "--self-signed", "--stack", "ivsctl-local", "--count", "100000", "--local", "-o", "json"], { env: baseEnv(local.env), stdout: "pipe", stderr: "pipe" });
    const stderrText = new Response(proc.stderr).text();
    await Bun.sleep(1500); // nobody reads stdout: the pipe fills, ivsctl's writes wait
    proc.kill("SIGINT");
    const exit = await proc.exited;
    const out = await new Response(proc.stdout).text();
    expect(exit).toBe(130);
    const written = Number(/(\d+) of 100000 participant token\(s\) written/.exec(await stderrText)?.[1]);
    expect(written).toBeGreaterThan(0);
    expect(out.split("\n").filter((l) => l !== "")).toHaveLength(written); // was 48 of 2048: process.exit dropped Bun's buffer
  }, 60_000);
});

describe("metadata loop under SIGHUP", () => {
  test("stops at once (not after --every), prints its summary line, exit 129", async () => {
    const proc = Bun.spawn([BIN, "metadata", "loop", "sig-e2e", "--every", "10m", "--local", "-o", "json"], { env: baseEnv(local.env), stdout: "pipe", stderr: "pipe" });
    const stderrText = new Response(proc.stderr).text();
    const first = await readUntil(proc.stdout, (l) => l.includes('"counter":1'));
    proc.kill("SIGHUP");
    const [rest, stderr, exit] = await Promise.all([first.rest(), stderrText, proc.exited]);
    expect(exit).toBe(129);
    const last = JSON.parse(rest.trim().split("\n").at(-1)!);
    expect(last.summary).toMatchObject({ interrupted: "SIGHUP" });
    expect(stderr).toContain("error: interrupted (SIGHUP): after 0 sent, 1 error(s)");
  }, 30_000);
});

describe("demo under Ctrl-C", () => {
  test("stops after the step in hand, summary printed, emulator stopped, exit 130, no child left", async () => {
    const proc = Bun.spawn([BIN, "demo", "-o", "json"], { env: baseEnv(), stdout: "pipe", stderr: "pipe" });
    const stdoutText = new Response(proc.stdout).text();
    const seen = new Set<number>();
    const watch = setInterval(() => childPids(proc.pid).forEach((p) => seen.add(p)), 20);
    const early = await readUntil(proc.stderr, (l) => l.includes("── 3."));
    proc.kill("SIGINT");
    const [stdout, rest, exit] = await Promise.all([stdoutText, early.rest(), proc.exited]);
    clearInterval(watch);
    expect(exit).toBe(130);
    const statuses = JSON.parse(stdout).steps.map((s: { status: string }) => s.status);
    expect(statuses).toHaveLength(10);
    expect(statuses.slice(0, 2)).toEqual(["ok", "ok"]);
    expect(statuses.at(-1)).toBe("interrupted");
    expect(rest).toContain("error: interrupted (SIGINT): the demo stopped after");
    expect(rest).not.toContain("── 9.");
    for (const p of seen) await waitFor(`child ${p} to exit`, () => !alive(p), 40);
  }, 60_000);
});

describe("local start (foreground) under SIGHUP", () => {
  test("stops cleanly like SIGTERM: exit 0, its state kept", async () => {
    const dir = (await import("node:fs")).mkdtempSync((await import("node:path")).join((await import("node:os")).tmpdir(), "ivsctl-hup-"));
    const state = `${dir}/state.sqlite`;
    const start = () => Bun.spawn([BIN, "local", "start", "--port", "0", "--ingest-port", "0", "--state", state, "-o", "json"], { env: baseEnv(), stdout: "pipe", stderr: "ignore" });
    const first = start();
    const line = await readUntil(first.stdout, () => true);
    const endpoint = JSON.parse(line.lines[0]!).endpoint;
    const made = await (await import("../helpers/cli.ts")).ivsctl(["channel", "create", "--name", "kept", "--local"], { env: { IVSCTL_LOCAL_ENDPOINT: endpoint } });
    expect(made.code).toBe(0);
    first.kill("SIGHUP");
    expect(await first.exited).toBe(0);
    const second = start();
    const again = JSON.parse((await readUntil(second.stdout, () => true)).lines[0]!).endpoint;
    const list = await (await import("../helpers/cli.ts")).ivsctl(["channel", "list", "--local", "-o", "json"], { env: { IVSCTL_LOCAL_ENDPOINT: again } });
    second.kill("SIGTERM");
    await second.exited;
    expect(JSON.parse(list.stdout).channels.map((c: { name: string }) => c.name).filter((n: string) => n !== SEEDED_CHANNEL)).toEqual(["kept"]);
  }, 30_000);
});
