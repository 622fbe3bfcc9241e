/**
 * The IVS request-rate quotas in the emulator (src/local/rate-limits.ts): a token bucket per
 * operation whose burst is its rate; over it, ThrottlingException (429) as IVS answers.
 * The bucket is tested with an explicit clock; the server only for the answer's shape and the switch.
 */
import { afterAll, describe, expect, test } from "bun:test";
import { IvsClient, ListChannelsCommand } from "@aws-sdk/client-ivs";
import { RATE_QUOTAS, RateLimiter, rateLimitsEnabled, TokenBucket } from "../../src/local/rate-limits.ts";
import { startLocalServer, type LocalServer } from "../../src/local/server.ts";

describe("token bucket (burst = rate)", () => {
  test("a full second's worth at once, then one token every 1/rate s", () => {
    const b = new TokenBucket(5, 0);
    expect([1, 2, 3, 4, 5, 6].map(() => b.take(0))).toEqual([true, true, true, true, true, false]);
    expect(b.take(199)).toBe(false);
    expect(b.take(200)).toBe(true);
    expect(b.take(200)).toBe(false);
    // Idle time refills up to the rate, never beyond: no more than 5 at once after a long pause.
    expect(Array.from({ length: 7 }, () => b.take(60_000)).filter(Boolean)).toHaveLength(5);
  });

  test("a steady caller at exactly the rate is never refused", () => {
    const b = new TokenBucket(50, 0);
    const refused = Array.from({ length: 500 }, (_, i) => b.take(i * 20)).filter((ok) => !ok);
    expect(refused).toHaveLength(0);
  });
});

describe("the quota table", () => {
  test("the documented rates", () => {
    expect(RATE_QUOTAS["ivs-realtime"].CreateParticipantToken).toBe(50);
    expect(RATE_QUOTAS["ivs-realtime"].ImportPublicKey).toBe(3);
    expect(RATE_QUOTAS["ivs-realtime"].CreateStage).toBe(5);
    expect(RATE_QUOTAS["ivs-realtime"].TagResource).toBe(10);
    expect(RATE_QUOTAS.ivs.ListChannels).toBe(5);
    expect(RATE_QUOTAS.ivs.ImportPlaybackKeyPair).toBe(3);
    expect(RATE_QUOTAS.ivs.PutMetadata).toBeUndefined(); // per channel: ivs-metadata.ts
  });

  test("operations are limited separately, per region; unlisted ones are not limited", () => {
    const limiter = new RateLimiter();
    const calls = (op: string, region = "us-east-1") => Array.from({ length: 60 }, () => {
      try {
        limiter.admit(op.includes("Participant") ? "ivs-realtime" : "ivs", op, region, 1000);
        return "ok";
      } catch (e) {
        return (e as { code: string }).code;
      }
    });
    expect(calls("ListChannels").filter((r) => r === "ok")).toHaveLength(5);
    expect(calls("GetChannel").filter((r) => r === "ok")).toHaveLength(5);
    expect(calls("ListChannels", "eu-west-1").filter((r) => r === "ok")).toHaveLength(5);
    expect(calls("CreateParticipantToken").filter((r) => r === "ok")).toHaveLength(50);
    expect(calls("CreateParticipantToken")[0]).toBe("ThrottlingException");
    expect(calls("GetStreamKey").every((r) => r === "ok")).toBe(true);
  });

  test("IVSCTL_LOCAL_RATE_LIMITS: on by default, off turns it off, anything else is refused", () => {
    expect(rateLimitsEnabled(undefined)).toBe(true);
    expect(rateLimitsEnabled("on")).toBe(true);
    expect(rateLimitsEnabled("off")).toBe(false);
    expect(() => rateLimitsEnabled("0")).toThrow('IVSCTL_LOCAL_RATE_LIMITS must be "on" or "off" (got "0")');
  });
});

describe("the emulator answers ThrottlingException (429) over the rate", () => {
  const servers: LocalServer[] = [];
  afterAll(() => Promise.all(servers.map((s) => s.stop())));

  async function burst(env: Record<string, string>, n: number) {
    const server = await startLocalServer({ port: 0, statePath: ":memory:", validate: false, env });
    servers.push(server);
    const ivs = new IvsClient({ region: "us-east-1", endpoint: server.url, credentials: { accessKeyId: "a", secretAccessKey: "b" }, maxAttempts: 1 });
    return Promise.all(Array.from({ length: n }, () => ivs.send(new ListChannelsCommand({})).then(() => "ok", (e) => `${e.name} ${e.$metadata?.httpStatusCode} ${e.message}`)));
  }

  test("30 ListChannels at once: some refused with IVS's error and status", async () => {
    const results = await burst({}, 30);
    const refused = results.filter((r) => r !== "ok");
    expect(refused.length).toBeGreaterThan(0);
    expect(refused[0]).toBe("ThrottlingException 429 Rate exceeded: ListChannels is limited to 5 requests per second per account");
  });

  test("with IVSCTL_LOCAL_RATE_LIMITS=off, all 30 pass", async () => {
    const results = await burst({ IVSCTL_LOCAL_RATE_LIMITS: "off" }, 30);
    expect(results.filter((r) => r !== "ok")).toEqual([]);
  });
});
