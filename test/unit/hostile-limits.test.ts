/**
 * Issue 12: durations and counts stay within what a timer, a date and the API can hold. Every
 * case is exit 2 (or 3 for configuration) before any AWS call: the endpoint here is dead, so a
 * call would be exit 6 instead.
 */
import { describe, expect, test } from "bun:test";
import { parseArgv } from "../../src/cli/parse.ts";
import type { Context, GlobalOptions } from "../../src/cli/context.ts";
import { MAX_DURATION_MS, MAX_TIMER_MS, parseDuration } from "../../src/cli/duration.ts";
import { CliError } from "../../src/cli/errors.ts";
import { channelToken } from "../../src/channel/playback-token.ts";
import { checkIngestOptions } from "../../src/ingest/ingest.ts";
import { parseResolution } from "../../src/ingest/options.ts";
import { rotateKeys } from "../../src/keys/rotate.ts";
import { loopMetadata } from "../../src/metadata/metadata.ts";
import { mintThreads } from "../../src/stage/mint-pool.ts";
import { inviteVp } from "../../src/vp/vp.ts";
import { expectUsageError } from "../helpers/assert.ts";
import { testContext } from "../helpers/context.ts";

const DAY = 86_400_000;

/** A context whose endpoint answers nothing: any AWS call would fail, so a check that passes made none. */
function deadContext(globals: Partial<GlobalOptions> = {}): Context {
  return testContext("http://127.0.0.1:9", { globals: { yes: true, quiet: true, ...globals } });
}

async function exitOf(p: Promise<unknown>): Promise<{ code: number; message: string }> {
  try {
    await p;
  } catch (e) {
    expect(e).toBeInstanceOf(CliError);
    return { code: (e as CliError).exitCode, message: (e as CliError).message };
  }
  throw new Error("expected a failure");
}

describe("the one duration parser", () => {
  test("ten years is the most any duration flag takes", () => {
    expect(parseDuration("3650d", "--ttl")).toBe(MAX_DURATION_MS);
    expect(expectUsageError(() => parseDuration("3651d", "--ttl")).message).toBe("--ttl must be at most 3650d (got 3651d)");
    expect(expectUsageError(() => parseDuration("99999999d", "--ttl")).message).toBe("--ttl must be at most 3650d (got 99999999d)");
    expect(expectUsageError(() => parseDuration("9".repeat(400), "--ttl")).message).toBe("--ttl must be at most 3650d (got more)");
  });
  test("ParsedArgs.duration goes through it", () => {
    const args = parseArgv(["--grace", "99999999d"], { grace: { type: "string" } });
    expect(expectUsageError(() => args.duration("grace")).message).toBe("--grace must be at most 3650d (got 99999999d)");
  });
});

describe("exit 2 before any call", () => {
  test("channel token --ttl 99999999d", async () => {
    const r = await exitOf(channelToken(deadContext(), { channel: "ch", keyFile: "/nonexistent.pem", count: 1, ttlMs: 99999999 * DAY }));
    expect(r).toEqual({ code: 2, message: "--ttl must be at most 3650d (got 99999999d)" });
  });
  test("keys rotate --grace 99999999d", async () => {
    const r = await exitOf(rotateKeys(deadContext({ stack: "s" }), { graceMs: 99999999 * DAY, overrides: {} }));
    expect(r).toEqual({ code: 2, message: "--grace must be at most 3650d (got 99999999d)" });
  });
  test("metadata loop --every 25d: past a timer's 2^31-1 ms", async () => {
    const r = await exitOf(loopMetadata(deadContext(), { channel: "ch", everyMs: 25 * DAY, json: false }));
    expect(r).toEqual({ code: 2, message: "--every must be at most 24d (the longest a timer can wait) (got 25d)" });
    expect(MAX_TIMER_MS).toBeLessThanOrEqual(2 ** 31 - 1);
  });
  test("vp invite --wait --timeout 25d", async () => {
    const r = await exitOf(inviteVp(deadContext({ stack: "s" }), { stage: "st", env: {}, wait: true, timeoutMs: 25 * DAY, force: false, overrides: {} }));
    expect(r.code).toBe(2);
    expect(r.message).toStartWith("--timeout must be at most 24d");
  });
  test("ingest --duration 99999999d (was ffmpeg -t Infinity); 48 h is a stream's longest", () => {
    const base = { channel: "ch", keep: false, loop: false, resolution: parseResolution("720p"), resolutionGiven: false, fps: 30, audioBitrateBps: 128_000, waitLive: false };
    expect(expectUsageError(() => checkIngestOptions({ ...base, durationMs: 99999999 * DAY })).message).toBe("--duration must be at most 2d (got 99999999d)");
    checkIngestOptions({ ...base, durationMs: 2 * DAY });
  });
});

describe("IVSCTL_MINT_THREADS", () => {
  test("capped at the core count", () => {
    expect(mintThreads({ IVSCTL_MINT_THREADS: "1000" }, 2)).toBe(2);
    expect(mintThreads({ IVSCTL_MINT_THREADS: "1" }, 2)).toBe(1);
    expect(mintThreads({}, 2)).toBe(2);
  });
  test("not a whole number >= 1 is exit 3", () => {
    for (const v of ["abc", "0", "-1", "1.5", "1e3"]) {
      try {
        mintThreads({ IVSCTL_MINT_THREADS: v }, 2);
        throw new Error(`accepted ${v}`);
      } catch (e) {
        expect((e as CliError).exitCode).toBe(3);
      }
    }
  });
});
