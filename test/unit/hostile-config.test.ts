/**
 * Issue 12: configuration errors are exit 3 (never 1, never a silent fallback), ARNs are checked
 * whole before any call, and `--` ends the flags.
 */
import { describe, expect, test } from "bun:test";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { resolveAwsSettings } from "../../src/aws/clients.ts";
import { arnProblem, isArnOf, parseResourceRef } from "../../src/aws/resolve.ts";
import { envSwitch } from "../../src/cli/context.ts";
import { CliError } from "../../src/cli/errors.ts";
import { AwsClients } from "../../src/aws/clients.ts";
import { parseArgv } from "../../src/cli/parse.ts";
import { expectUsageError } from "../helpers/assert.ts";

function exitOf(fn: () => unknown): number {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(CliError);
    return (e as CliError).exitCode;
  }
  return 0;
}

const emptyHome = () => mkdtempSync(join(tmpdir(), "ivsctl-home-"));

describe("configuration errors are exit 3", () => {
  test.each([
    ["--endpoint-url http://127.0.0.1:99999", { local: false, endpointUrl: "http://127.0.0.1:99999" }, {}],
    ["--endpoint-url http://[::1", { local: false, endpointUrl: "http://[::1" }, {}],
    ["--endpoint-url with a query", { local: false, endpointUrl: "http://127.0.0.1:4599/?x=1" }, {}],
    ["IVSCTL_LOCAL_ENDPOINT=garbage", { local: true }, { IVSCTL_LOCAL_ENDPOINT: "garbage" }],
    ["IVSCTL_REQUEST_TIMEOUT_MS=abc", { local: false }, { IVSCTL_REQUEST_TIMEOUT_MS: "abc" }],
    ["IVSCTL_REQUEST_TIMEOUT_MS=-1", { local: false }, { IVSCTL_REQUEST_TIMEOUT_MS: "-1" }],
    ["IVSCTL_REQUEST_TIMEOUT_MS=1e99", { local: false }, { IVSCTL_REQUEST_TIMEOUT_MS: "1e99" }],
    ["AWS_MAX_ATTEMPTS=many", { local: false }, { AWS_MAX_ATTEMPTS: "many" }],
  ] as const)("%s", (_name, flags, env) => {
    expect(exitOf(() => resolveAwsSettings(flags, env))).toBe(3);
  });

  test("good values still pass", () => {
    const s = resolveAwsSettings({ local: false, endpointUrl: "http://[::1]:4599" }, { IVSCTL_REQUEST_TIMEOUT_MS: "2000", AWS_MAX_ATTEMPTS: "2" });
    expect([s.endpoint, s.requestTimeoutMs, s.maxAttempts]).toEqual(["http://[::1]:4599", 2000, 2]);
  });

  test("IVSCTL_LOCAL=2 is exit 3, not real AWS; the usual spellings work", () => {
    expect(exitOf(() => envSwitch({ IVSCTL_LOCAL: "2" }, "IVSCTL_LOCAL"))).toBe(3);
    expect(exitOf(() => envSwitch({ IVSCTL_LOCAL: "ture" }, "IVSCTL_LOCAL"))).toBe(3);
    for (const v of ["1", "true", "YES", "on"]) expect(envSwitch({ IVSCTL_LOCAL: v }, "IVSCTL_LOCAL")).toBe(true);
    for (const v of [undefined, "", "0", "false", "no", "off"]) expect(envSwitch({ IVSCTL_LOCAL: v }, "IVSCTL_LOCAL")).toBe(false);
  });
});

describe("--local never guesses an emulator", () => {
  test("no --endpoint-url, no IVSCTL_LOCAL_ENDPOINT, no runtime file: making a client is exit 3", async () => {
    const settings = resolveAwsSettings({ local: true }, { IVSCTL_HOME: emptyHome() });
    expect(settings.endpoint).toBeUndefined();
    const e = await new AwsClients(settings).ivs().then(
      () => undefined,
      (err) => err as CliError,
    );
    expect(e?.exitCode).toBe(3);
    expect(e?.message).toStartWith("local mode: no emulator endpoint is known");
  });
  test("a runtime file of a dead emulator is not used", () => {
    const home = emptyHome();
    writeFileSync(join(home, "local.json"), JSON.stringify({ pid: 2 ** 22 + 12345, endpoint: "http://127.0.0.1:4599", statePath: ":memory:", startedAt: "" }));
    const s = resolveAwsSettings({ local: true }, { IVSCTL_HOME: home });
    expect(s.endpoint).toBeUndefined();
    expect(s.endpointMissing?.message).toContain("is not running");
  });
  test("a live one is, and says where it came from", () => {
    const home = emptyHome();
    writeFileSync(join(home, "local.json"), JSON.stringify({ pid: process.pid, endpoint: "http://127.0.0.1:5999", statePath: ":memory:", startedAt: "" }));
    const s = resolveAwsSettings({ local: true }, { IVSCTL_HOME: home });
    expect([s.endpoint, s.endpointSource]).toEqual(["http://127.0.0.1:5999", `runtime file ${join(home, "local.json")}`]);
  });
});

describe("ARNs are checked whole", () => {
  const good = "arn:aws:ivs:us-west-2:123456789012:channel/AbCdEf012345";
  test.each([
    ["trailing /", `${good}/`],
    [":extra", `${good}:extra`],
    ["?x=1#f", `${good}?x=1#f`],
    ["/../", "arn:aws:ivs:us-west-2:123456789012:channel/../AbCdEf012345"],
    ["empty region", "arn:aws:ivs::123456789012:channel/AbCdEf012345"],
    ["empty account", "arn:aws:ivs:us-west-2::channel/AbCdEf012345"],
    ["leading space", ` ${good}`],
    ["trailing newline", `${good}\n`],
  ])("%s is exit 2", (_name, value) => {
    expect(arnProblem(value)).toBeString();
    expectUsageError(() => parseResourceRef(value, "channel"));
    expect(isArnOf(value, "ivs", "channel")).toBe(false);
  });
  test("a good ARN passes", () => {
    expect(arnProblem(good)).toBeUndefined();
    expect(parseResourceRef(good, "channel")).toEqual({ kind: "arn", arn: good });
  });
});

describe("-- ends the flags", () => {
  test("channel get -- demo: demo is the positional", () => {
    const defs = { channel: { type: "positional" as const, description: "" }, output: { type: "string" as const, alias: "o" } };
    expect(parseArgv(["--", "demo"], defs).positional("channel")).toBe("demo");
    expect(parseArgv(["-o", "json", "--", "-odd"], defs).positional("channel")).toBe("-odd");
    expect(parseArgv(["--", "--output"], defs).string("output")).toBeUndefined();
  });
});
