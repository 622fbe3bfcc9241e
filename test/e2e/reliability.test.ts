/** Faults injected into ivsctl local: throttling storms, 5xx bursts, a server that stops answering. */
import { afterAll, afterEach, beforeAll, describe, expect, test } from "bun:test";
import { ensureBinary, json } from "../helpers/cli.ts";
import { startEmulator, type LocalEmulator } from "../helpers/local.ts";

let local: LocalEmulator;
beforeAll(async () => {
  ensureBinary();
  local = await startEmulator();
});
afterAll(() => local?.stop());
afterEach(() => local.clearFaults());

describe("reliability under injected faults", () => {
  test("a burst of 5xx is retried away", async () => {
    await local.fault({ service: "ivs", operation: "ListChannels", code: "InternalServerException", status: 500, remaining: 2 });
    const r = await local.run(["channel", "list", "-o", "json"]);
    expect(r.code).toBe(0);
    expect(json(r).channels).toBeArray();
  });

  test("a few throttles are retried away", async () => {
    await local.fault({ service: "ivs", operation: "CreateChannel", code: "ThrottlingException", status: 429, remaining: 2 });
    const r = await local.run(["channel", "create", "--name", "after-throttle", "-o", "json"]);
    expect(r.code).toBe(0);
    expect(json(r).channel.name).toBe("after-throttle");
  });

  test("a 3 s throttling storm: success by retrying, or a clean exit 6", async () => {
    await local.fault({ code: "ThrottlingException", status: 429, durationMs: 3000 });
    const r = await local.run(["channel", "list", "-o", "json"]);
    expect([0, 6]).toContain(r.code);
    if (r.code === 6) {
      expect(r.stderr.split("\n")[0]).toMatch(/^error: listing channels: .*\(ThrottlingException\)$/);
      expect(r.stderr).not.toContain("    at ");
    }
  });

  test("persistent throttling exhausts the retry budget: exit 6, one line", async () => {
    await local.fault({ code: "ThrottlingException", status: 429, message: "Rate exceeded", remaining: 100 });
    const r = await local.run(["channel", "list"], { env: { AWS_MAX_ATTEMPTS: "2" } });
    expect(r.code).toBe(6);
    expect(r.stderr).toBe("error: listing channels: Rate exceeded (ThrottlingException)\n");
  });

  test("a server that stops answering times out with exit 6; nothing hangs", async () => {
    await local.fault({ code: "Delay", status: 200, delayMs: 20_000, remaining: 10 });
    // The harness kills a hung process after 15 s (exit 143), so exit 6 proves the timeout fired.
    const r = await local.run(["channel", "list"], { env: { IVSCTL_REQUEST_TIMEOUT_MS: "500", AWS_MAX_ATTEMPTS: "2" }, timeoutMs: 15_000 });
    expect(r.code).toBe(6);
    expect(r.stderr.split("\n")[0]).toMatch(/^error: listing channels: /);
  });

  test("an AWS error that is not retryable is reported at once with its code", async () => {
    await local.fault({ service: "ivs", operation: "CreateChannel", code: "ServiceQuotaExceededException", status: 402, message: "channel quota reached", remaining: 1 });
    const r = await local.run(["channel", "create", "--name", "quota"]);
    expect(r.code).toBe(5);
    expect(r.stderr).toBe("error: creating channel: channel quota reached (ServiceQuotaExceededException)\n");
  });
});

describe("security", () => {
  test("--debug logs operations but no credentials, Authorization headers or secrets", async () => {
    const made = json(await local.run(["channel", "create", "--name", "dbg", "--show-secrets", "-o", "json"]));
    const key: string = made.streamKey.value;
    const r = await local.run(["channel", "get", "dbg", "--debug"], { env: { AWS_SECRET_ACCESS_KEY: "SECRET-NEVER-PRINTED" } });
    expect(r.code).toBe(0);
    expect(r.stderr).toContain("ivs GetChannel -> 200");
    for (const secret of [key, key.slice(13), "local-secret", "Authorization", "Signature=", made.channel.srt.passphrase]) {
      expect(r.stdout + r.stderr).not.toContain(secret);
    }
  });
});
