/** Metadata: payload rules, templates, the pacer, and the emulator's PutMetadata limits (in-process). */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { startLocalServer, type LocalServer } from "../../src/local/server.ts";
import { startStream } from "../../src/local/streams.ts";
import { checkPayload, Pacer, parsePayloadLines, renderTemplate } from "../../src/metadata/payload.ts";
import { expectUsageError } from "../helpers/assert.ts";

const usage = (fn: () => unknown): string => expectUsageError(fn).message;

describe("payload rules", () => {
  test("1024 UTF-8 bytes is the limit, counted in bytes", () => {
    checkPayload("a".repeat(1024));
    checkPayload("é".repeat(512));
    expect(usage(() => checkPayload("é".repeat(512) + "a"))).toBe("metadata is 1025 bytes (UTF-8); the limit is 1024 bytes");
    expect(usage(() => checkPayload("🎉".repeat(257)))).toBe("metadata is 1028 bytes (UTF-8); the limit is 1024 bytes");
    expect(usage(() => checkPayload(""))).toContain("is empty");
    expect(usage(() => checkPayload("{", { json: true }))).toStartWith("metadata is not valid JSON");
  });

  test("send files: blank lines skipped, every line checked first, lines named", () => {
    expect(parsePayloadLines('{"a":1}\n\n{"b":2}\n', { json: true, file: "f" })).toEqual([
      { index: 0, line: 1, text: '{"a":1}' },
      { index: 1, line: 3, text: '{"b":2}' },
    ]);
    expect(usage(() => parsePayloadLines('{"a":1}\nnope\n', { json: true, file: "f" }))).toStartWith("f line 2 is not valid JSON");
    expect(usage(() => parsePayloadLines("\n\n", { file: "f" }))).toBe("f holds no payload (one per line)");
  });

  test("templates: counter and time fields; unknown placeholders stay", () => {
    const now = new Date("2025-01-02T03:04:05.678Z");
    expect(renderTemplate('{"n":{{counter}},"t":"{{time}}","e":{{epoch}},"ms":{{epochMs}},"c":"{{ clock }}","x":"{{other}}"}', 7, now)).toBe(
      '{"n":7,"t":"2025-01-02T03:04:05.678Z","e":1735787045,"ms":1735787045678,"c":"03:04:05","x":"{{other}}"}',
    );
  });
});

describe("pacer", () => {
  test("evenly spaced at the rate, no burst at the start", async () => {
    let now = 0;
    const waits: number[] = [];
    const pacer = new Pacer(5, () => now, async (ms) => {
      waits.push(ms);
      now += ms;
    });
    for (let i = 0; i < 6; i++) await pacer.take();
    expect(waits).toEqual([200, 200, 200, 200, 200]);
    expect(now).toBe(1000);
  });
});

describe("emulator PutMetadata", () => {
  let server: LocalServer;
  let arn: string;
  const put = (metadata: string) => fetch(`${server.url}/PutMetadata`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ channelArn: arn, metadata }) });

  beforeAll(async () => {
    server = await startLocalServer({ port: 0, statePath: ":memory:" });
    const created = (await (await fetch(`${server.url}/CreateChannel`, { method: "POST", headers: { "content-type": "application/json" }, body: "{}" })).json()) as any;
    arn = created.channel.arn;
  });
  afterAll(() => server?.stop());

  test("offline: 404 ChannelNotBroadcasting", async () => {
    const r = await put("x");
    expect(r.status).toBe(404);
    expect(r.headers.get("x-amzn-errortype")).toStartWith("ChannelNotBroadcasting");
  });

  test("live: 204, recorded with a time; 1025 bytes is 400; a burst beyond 5/s is 429 ThrottlingException", async () => {
    startStream(server.store, { arn, playbackUrl: "" }, new Date());
    await Bun.sleep(1100); // let the offline test's token come back
    expect((await put("é".repeat(512) + "a")).status).toBe(400);
    const statuses: number[] = [];
    for (let i = 0; i < 7; i++) statuses.push((await put(`p${i}`)).status);
    expect(statuses.slice(0, 4)).toEqual([204, 204, 204, 204]);
    expect(statuses).toContain(429);
    const inspected = (await (await fetch(`${server.url}/_ivsctl/metadata?channelArn=${encodeURIComponent(arn)}`)).json()) as any;
    expect(inspected.deliveries[0].metadata).toBe("p0");
    expect(new Date(inspected.deliveries[0].receivedAt).toISOString()).toBe(inspected.deliveries[0].receivedAt);
    expect(inspected.throttled).toBe(statuses.filter((s) => s === 429).length);
  });
});
