/** `ivsctl metadata put|send|loop` end to end against ivsctl local, with a real ffmpeg stream live. */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Subprocess } from "bun";
import { BIN, baseEnv, ensureBinary, ivsctl, json } from "../helpers/cli.ts";
import { startEmulator, type LocalEmulator, arrivalsAt, busiestWindow } from "../helpers/local.ts";
import { skipReason, which } from "../helpers/tools.ts";

const HAS_FFMPEG = Boolean(which("ffmpeg"));
if (!HAS_FFMPEG) skipReason("metadata delivery tests (need a live stream)", "ffmpeg");

let local: LocalEmulator;
let dir: string;
let channelArn: string;
let stream: Subprocess<"ignore", "pipe", "pipe"> | undefined;

beforeAll(async () => {
  ensureBinary();
  local = await startEmulator();
  dir = mkdtempSync(join(tmpdir(), "ivsctl-metadata-"));
  channelArn = json(await local.run(["channel", "create", "--name", "meta-e2e", "-o", "json"])).channel.arn;
  await local.run(["channel", "create", "--name", "meta-offline"]);
});
afterAll(async () => {
  stream?.kill("SIGINT");
  await stream?.exited;
  await local?.stop();
});

const NO_AWS = { IVSCTL_LOCAL_ENDPOINT: "http://127.0.0.1:9" };

describe("metadata: bad input is exit 2 before any AWS call", () => {
  const big = "a".repeat(1025);
  const bigMultibyte = "é".repeat(512) + "a"; // 512 x 2 bytes + 1 = 1025 bytes in 513 characters
  const cases: [string, string[], string | undefined, string][] = [
    ["1025 ASCII bytes", ["metadata", "put", "c", big], undefined, "error: metadata is 1025 bytes (UTF-8); the limit is 1024 bytes"],
    ["1025 bytes of multi-byte characters", ["metadata", "put", "c", bigMultibyte], undefined, "error: metadata is 1025 bytes (UTF-8); the limit is 1024 bytes"],
    ["an empty payload", ["metadata", "put", "c", ""], undefined, "error: metadata is empty: PutMetadata needs at least 1 character"],
    ["an empty payload from stdin", ["metadata", "put", "c", "-"], "", "error: metadata is empty: PutMetadata needs at least 1 character"],
    ["invalid --json", ["metadata", "put", "c", "{nope", "--json"], undefined, "error: metadata is not valid JSON"],
    ["a missing send --file", ["metadata", "send", "c", "--file", "/nonexistent/events.jsonl"], undefined, "error: --file not found: /nonexistent/events.jsonl"],
    ["send --rate above 5", ["metadata", "send", "c", "--file", "/dev/null", "--rate", "6"], undefined, "error: --rate must be more than 0 and at most 5"],
    ["loop --every below 200ms", ["metadata", "loop", "c", "--every", "100ms"], undefined, "error: --every must be at least 200ms"],
  ];
  for (const [name, args, stdin, message] of cases) {
    test(name, async () => {
      const r = await ivsctl([...args, "--local"], { env: NO_AWS, stdin });
      expect(r.code).toBe(2);
      expect(r.stdout).toBe("");
      expect(r.stderr.split("\n")[0]).toStartWith(message);
    });
  }

  test("an invalid line in a send file is named, and nothing is sent", async () => {
    const file = join(dir, "bad.jsonl");
    writeFileSync(file, '{"n":1}\n{"n":\n');
    const r = await ivsctl(["metadata", "send", "c", "--file", file, "--json", "--local"], { env: NO_AWS });
    expect(r.code).toBe(2);
    expect(r.stderr.split("\n")[0]).toStartWith(`error: ${file} line 2 is not valid JSON`);
  });
});

describe("metadata against an offline channel", () => {
  test("put: exit 5 with the hint to start a stream", async () => {
    const r = await local.run(["metadata", "put", "meta-offline", "hello"]);
    expect(r.code).toBe(5);
    expect(r.stderr.trim()).toBe("error: putting metadata: channel is offline: start a stream first (ivsctl ingest meta-offline) (ChannelNotBroadcasting)");
  });

  test("loop: counts and reports each error, exit 5 with a summary", async () => {
    const r = await local.run(["metadata", "loop", "meta-offline", "--every", "200ms", "--count", "2", "-o", "json"]);
    expect(r.code).toBe(5);
    const all = r.stdout.trim().split("\n").map((l) => JSON.parse(l));
    const lines = all.slice(0, -1);
    expect(lines.map((l) => [l.counter, l.status, l.code])).toEqual([
      [1, "failed", "ChannelNotBroadcasting"],
      [2, "failed", "ChannelNotBroadcasting"],
    ]);
    const summary = all.at(-1).summary; // the stream's last line
    expect([summary.sent, summary.errors, summary.errorCodes]).toEqual([0, 2, { ChannelNotBroadcasting: 2 }]);
  });
});

describe.skipIf(!HAS_FFMPEG)("metadata while the channel is live", () => {
  beforeAll(async () => {
    stream = Bun.spawn([BIN, "ingest", "meta-e2e", "--duration", "40s", "--resolution", "360p", "--local", "-q"], { env: baseEnv(local.env), stdin: "ignore", stdout: "pipe", stderr: "pipe" });
    for (let i = 0; i < 60; i++) {
      if ((await local.run(["metadata", "put", "meta-e2e", "warmup"])).code === 0) return;
      await Bun.sleep(250);
    }
    throw new Error("the channel did not go LIVE");
  }, 30_000);

  test("send: 50 payloads in order, zero throttles, paced to at least 9.8 s", async () => {
    const file = join(dir, "events.jsonl");
    const payloads = Array.from({ length: 50 }, (_, i) => JSON.stringify({ n: i, text: `question ${i}` }));
    writeFileSync(file, `${payloads.join("\n")}\n`);
    const before = (await (await fetch(`${local.endpoint}/_ivsctl/metadata?channelArn=${encodeURIComponent(channelArn)}`)).json()) as any;
    const t0 = performance.now();
    const r = await local.run(["metadata", "send", "meta-e2e", "--file", file, "--json", "-o", "json"], { timeoutMs: 40_000 });
    const seconds = (performance.now() - t0) / 1000;
    expect(r.code).toBe(0);
    const lines = r.stdout.trim().split("\n").map((l) => JSON.parse(l));
    expect(lines).toHaveLength(50);
    lines.forEach((l, i) => expect(l).toEqual({ index: i, line: i + 1, channelArn, status: "delivered", attempts: 1 }));
    expect(seconds).toBeGreaterThanOrEqual(9.8); // the one allowed lower bound: pacing is real
    const after = (await (await fetch(`${local.endpoint}/_ivsctl/metadata?channelArn=${encodeURIComponent(channelArn)}`)).json()) as any;
    expect(after.deliveries.slice(before.deliveries.length).map((d: { metadata: string }) => d.metadata)).toEqual(payloads);
    expect(after.throttled).toBe(0);
    expect(r.stderr).toContain("delivered 50 of 50 payload(s)");
  }, 40_000);

  test("put reads @file and stdin", async () => {
    const file = join(dir, "one.json");
    writeFileSync(file, '{"from":"file"}\n');
    expect((await local.run(["metadata", "put", "meta-e2e", `@${file}`, "--json"])).code).toBe(0);
    expect((await local.run(["metadata", "put", "meta-e2e", "-"], { stdin: "from stdin\n" })).code).toBe(0);
    const after = (await (await fetch(`${local.endpoint}/_ivsctl/metadata?channelArn=${encodeURIComponent(channelArn)}`)).json()) as any;
    expect(after.deliveries.slice(-2).map((d: { metadata: string }) => d.metadata)).toEqual(['{"from":"file"}', "from stdin"]);
  });

  test("loop: substitutes the counter and time from a template; SIGINT stops it with a summary (exit 130)", async () => {
    const template = join(dir, "quiz.json");
    writeFileSync(template, '{"q":"Question {{counter}}","at":"{{time}}","clock":"{{clock}}"}\n');
    const proc = Bun.spawn([BIN, "metadata", "loop", "meta-e2e", "--every", "250ms", "--template", template, "--json", "-o", "json", "--local"], { env: baseEnv(local.env), stdout: "pipe", stderr: "pipe" });
    const reader = proc.stdout.getReader();
    let out = "";
    while (out.split("\n").length <= 3) out += new TextDecoder().decode((await reader.read()).value);
    proc.kill("SIGINT");
    const readRest = async () => {
      let rest = "";
      for (let chunk = await reader.read(); !chunk.done; chunk = await reader.read()) rest += new TextDecoder().decode(chunk.value);
      return rest;
    };
    const [rest, stderr, code] = await Promise.all([readRest(), new Response(proc.stderr).text(), proc.exited]);
    expect(code).toBe(130);
    const all = (out + rest).trim().split("\n").map((l) => JSON.parse(l));
    const lines = all.filter((l) => !l.summary);
    expect(lines.length).toBeGreaterThanOrEqual(3);
    lines.forEach((l, i) => {
      expect(l.counter).toBe(i + 1);
      expect(l.status).toBe("delivered");
      const doc = JSON.parse(l.metadata);
      expect(doc.q).toBe(`Question ${i + 1}`);
      expect(new Date(doc.at).toISOString()).toBe(doc.at);
      expect(doc.clock).toMatch(/^\d\d:\d\d:\d\d$/);
    });
    void stderr;
    const summary = all.at(-1).summary; // the stream's last line
    expect([summary.sent, summary.errors, summary.interrupted]).toEqual([lines.length, 0, "SIGINT"]);
  }, 20_000);

  test("send --rate 5 with throttles: never 6 attempts in any 1 s window at the emulator, retries included; nothing lost or reordered", async () => {
    const file = join(dir, "paced.txt");
    const payloads = Array.from({ length: 25 }, (_, i) => `paced ${i}`);
    writeFileSync(file, `${payloads.join("\n")}\n`);
    const before = (await (await fetch(`${local.endpoint}/_ivsctl/metadata?channelArn=${encodeURIComponent(channelArn)}`)).json()) as any;
    const since = performance.timeOrigin + performance.now();
    // Six throttled answers: more than the SDK's own attempts, so ivsctl's retry runs too.
    await local.fault({ service: "ivs", operation: "PutMetadata", code: "ThrottlingException", status: 429, remaining: 6 });
    const r = await local.run(["metadata", "send", "meta-e2e", "--file", file, "--rate", "5", "-o", "json"], { timeoutMs: 40_000 });
    await local.clearFaults();
    expect(r.stderr).toContain("delivered 25 of 25 payload(s)");
    expect(r.code).toBe(0);
    const after = (await (await fetch(`${local.endpoint}/_ivsctl/metadata?channelArn=${encodeURIComponent(channelArn)}`)).json()) as any;
    expect(after.deliveries.slice(before.deliveries.length).map((d: { metadata: string }) => d.metadata)).toEqual(payloads);
    const arrivals = await arrivalsAt(local.endpoint, "ivs:PutMetadata", since, channelArn);
    expect(arrivals.length).toBe(25 + 6);
    expect(busiestWindow(arrivals)).toBeLessThanOrEqual(5);
  }, 40_000);
});
