/** The binary's conventions: help, version, unknown flags, bad input before any AWS call, local mode. */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ensureBinary, ivsctl } from "../helpers/cli.ts";
import { startEmulator, type LocalEmulator } from "../helpers/local.ts";
import { exec } from "../helpers/tools.ts";

let local: LocalEmulator;
beforeAll(async () => {
  ensureBinary();
  local = await startEmulator();
});
afterAll(() => local?.stop());

const requests = async () => (await fetch(`${local.endpoint}/_ivsctl/requests`)).json() as Promise<Record<string, number>>;

describe("help and version", () => {
  test("--version prints the version only", async () => {
    const r = await ivsctl(["--version"]);
    expect(r).toEqual({ code: 0, stdout: `${(await Bun.file("package.json").json()).version}\n`, stderr: "" });
  });
  test("--help lists the command groups with examples; group and leaf help work", async () => {
    const root = await ivsctl(["--help"]);
    expect(root.code).toBe(0);
    expect(root.stdout).toContain("Usage: ivsctl <command> [flags]");
    expect(root.stdout).toMatch(/\n {2}channel +Low-latency channels/);
    expect(root.stdout).toContain("Examples:");
    const group = await ivsctl(["channel", "--help"]);
    expect(group.stdout).toContain("Usage: ivsctl channel <command> [flags]");
    const leaf = await ivsctl(["channel", "create", "--help"]);
    expect(leaf.stdout).toContain("Usage: ivsctl channel create [flags]");
    expect(leaf.stdout).toContain("--tag k=v");
    expect(leaf.stdout).toContain("(repeatable)");
    expect(leaf.stdout).toContain("Global flags:");
    expect(leaf.stderr).toBe("");
  });
  test("bare ivsctl prints help and exits 0", async () => {
    const r = await ivsctl([]);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain("Commands:");
  });
});

// Each case must fail with its exit code and a one-line error, and make no AWS call.
const BAD_INPUT: [string[], number, RegExp][] = [
  [["--no-such-flag-xyz"], 2, /^error: unknown flag --no-such-flag-xyz$/],
  [["nosuch"], 2, /^error: unknown command "nosuch" for "ivsctl"$/],
  [["channel", "frobnicate"], 2, /^error: unknown command "frobnicate" for "ivsctl channel"$/],
  [["channel", "list", "--bogus"], 2, /^error: unknown flag --bogus$/],
  [["channel", "list", "-x"], 2, /^error: unknown flag -x$/],
  [["channel", "list", "extra"], 2, /^error: unexpected argument "extra"$/],
  [["channel", "list", "-o", "yaml"], 2, /^error: --output must be one of table, json, text \(got "yaml"\)$/],
  [["channel", "list", "-o"], 2, /^error: --output needs a value/],
  [["channel", "list", "--region", "moon-1"], 2, /^error: --region is not an AWS region name/],
  [["channel", "list", "--endpoint-url", "ftp://x"], 2, /^error: --endpoint-url must be an http\(s\) URL/],
  [["channel", "get"], 2, /^error: missing required argument <channel>$/],
  [["channel", "get", "arn:aws:ivs:us-east-1:123456789012:stage/AbCdEf012345"], 2, /^error: ".*" is a ivs stage ARN, not a channel ARN$/],
  [["channel", "get", "arn:aws:ivs:nope"], 2, /^error: malformed ARN "arn:aws:ivs:nope"$/],
  [["channel", "get", "white space"], 2, /^error: "white space" is not a channel ARN, id or name$/],
  [["channel", "create", "--type", "HUGE"], 2, /^error: --type must be one of BASIC, STANDARD, ADVANCED_SD, ADVANCED_HD \(got "HUGE"\)$/],
  [["channel", "create", "--latency", "ULTRA"], 2, /^error: --latency must be one of LOW, NORMAL/],
  [["channel", "create", "--type", "BASIC", "--preset", "HIGHER_BANDWIDTH_DELIVERY"], 2, /^error: --preset applies only to ADVANCED_SD and ADVANCED_HD channels, not BASIC$/],
  [["channel", "create", "--preset", "CONSTRAINED_BANDWIDTH_DELIVERY"], 2, /^error: --preset applies only to ADVANCED_SD and ADVANCED_HD channels, not STANDARD$/],
  [["channel", "create", "--multitrack", "ALLOW"], 2, /^error: --multitrack needs --container-format FRAGMENTED_MP4$/],
  [["channel", "create", "--multitrack", "ALLOW", "--type", "BASIC", "--container-format", "FRAGMENTED_MP4"], 2, /^error: --multitrack needs a STANDARD channel, not BASIC$/],
  [["channel", "create", "--max-resolution", "HD"], 2, /^error: --max-resolution needs --multitrack ALLOW\|REQUIRE$/],
  [["channel", "create", "--multitrack", "SOMETIMES"], 2, /^error: --multitrack must be one of ALLOW, REQUIRE/],
  [["channel", "create", "--name", "has space"], 2, /^error: --name may hold only letters, digits, - and _/],
  [["channel", "create", "--name", "x".repeat(129)], 2, /^error: --name may hold only/],
  [["channel", "create", "--tag", "novalue"], 2, /^error: --tag must be key=value \(got "novalue"\)$/],
  [["channel", "create", "--tag", "aws:x=1"], 2, /^error: tag keys starting with "aws:" are reserved/],
  [["channel", "create", "--recording-config", "not-an-arn"], 2, /^error: --recording-config must be a recording-configuration ARN/],
  [["channel", "create", "--playback-restriction-policy", "arn:aws:ivs:us-east-1:123456789012:channel/x"], 2, /^error: --playback-restriction-policy must be a playback-restriction-policy ARN/],
  [["channel", "create", "--authorized=perhaps"], 2, /^error: --authorized takes no value/],
  [["channel", "create", "--name", "a", "--name", "b"], 2, /^error: --name was given more than once$/],
  [["channel", "update", "x"], 2, /^error: nothing to update: give at least one setting flag$/],
  [["channel", "update", "x", "--multitrack", "ALLOW", "--no-multitrack", "--container-format", "FRAGMENTED_MP4"], 2, /^error: --multitrack and --no-multitrack contradict each other$/],
  [["stack", "outputs"], 3, /^error: no stack given$/],
  [["completion", "tcsh"], 2, /^error: shell must be one of bash, zsh, fish \(got "tcsh"\)$/],
  [["local", "start", "--port", "99999"], 2, /^error: --port must be 0-65535/],
];

describe("bad input: one line, documented exit code, no AWS call", () => {
  test.each(BAD_INPUT)("ivsctl %j -> exit %d", async (args, code, pattern) => {
    const before = await requests();
    const r = await local.run(args);
    expect(r.code).toBe(code);
    expect(r.stdout).toBe("");
    const lines = r.stderr.trimEnd().split("\n");
    expect(lines[0]).toMatch(pattern);
    expect(lines.length).toBeLessThanOrEqual(2); // the error, and at most a hint
    if (lines[1]) expect(lines[1]).toMatch(/^hint: /);
    expect(r.stderr).not.toContain("    at "); // no stack trace
    expect(await requests()).toEqual(before);
  });

  test("--debug adds the stack trace", async () => {
    const r = await local.run(["channel", "get", "arn:aws:ivs:nope", "--debug"]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("    at ");
  });
});

describe("configuration errors", () => {
  test("no region anywhere is exit 3 with a hint", async () => {
    const r = await ivsctl(["channel", "list"], { env: { AWS_ACCESS_KEY_ID: "a", AWS_SECRET_ACCESS_KEY: "b", AWS_CONFIG_FILE: "/nonexistent", AWS_SHARED_CREDENTIALS_FILE: "/nonexistent" } });
    expect(r.code).toBe(3);
    expect(r.stderr).toBe("error: listing channels: no AWS region configured\nhint: pass --region, set AWS_REGION, or set a region in your profile\n");
  });
  test("no credentials is exit 3 with a hint", async () => {
    const r = await ivsctl(["channel", "list", "--region", "us-east-1", "--endpoint-url", local.endpoint], { env: { AWS_CONFIG_FILE: "/nonexistent", AWS_SHARED_CREDENTIALS_FILE: "/nonexistent" } });
    expect(r.code).toBe(3);
    expect(r.stderr.split("\n")[0]).toBe("error: listing channels: no AWS credentials found");
  });
  test("an endpoint nothing listens on is exit 6 with a hint, quickly", async () => {
    const r = await ivsctl(["channel", "list", "--local"], { env: { IVSCTL_LOCAL_ENDPOINT: "http://127.0.0.1:9", AWS_MAX_ATTEMPTS: "1" } });
    expect(r.code).toBe(6);
    expect(r.stderr).toContain("hint: is the endpoint right?");
  });
  test("a profile from the shared config files supplies region and credentials", async () => {
    const dir = mkdtempSync(join(tmpdir(), "ivsctl-profile-"));
    await Bun.write(join(dir, "config"), "[profile lab]\nregion = us-west-2\n");
    await Bun.write(join(dir, "credentials"), "[lab]\naws_access_key_id = AKIDLAB\naws_secret_access_key = lab\n");
    const r = await ivsctl(["channel", "create", "--name", "via-profile", "--profile", "lab", "--endpoint-url", local.endpoint, "-o", "json"], {
      env: { AWS_CONFIG_FILE: join(dir, "config"), AWS_SHARED_CREDENTIALS_FILE: join(dir, "credentials") },
    });
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout).channel.arn).toStartWith("arn:aws:ivs:us-west-2:");
  });
});

describe("ivsctl local start --detach / status / stop", () => {
  test("a detached emulator serves --local and stops cleanly", async () => {
    const home = mkdtempSync(join(tmpdir(), "ivsctl-home-"));
    const env = { IVSCTL_HOME: home };
    const port = String(21000 + Math.floor(Math.random() * 20000));
    const started = await ivsctl(["local", "start", "--detach", "--port", port, "-o", "json"], { env });
    expect(started.code).toBe(0);
    const rt = JSON.parse(started.stdout);
    expect(rt.endpoint).toBe(`http://127.0.0.1:${port}`);
    const status = await ivsctl(["local", "status", "-o", "json"], { env });
    expect(JSON.parse(status.stdout)).toMatchObject({ endpoint: rt.endpoint, ok: true, pid: rt.pid });
    const again = await ivsctl(["local", "start", "--detach", "--port", port], { env });
    expect(again.code).toBe(0);
    expect(again.stderr).toContain("already running");
    const made = await ivsctl(["channel", "create", "--name", "detached", "-o", "json"], { env: { ...env, IVSCTL_LOCAL: "1" } });
    expect(made.code).toBe(0);
    const stopped = await ivsctl(["local", "stop", "-o", "json"], { env });
    expect(JSON.parse(stopped.stdout)).toMatchObject({ stopped: true, pid: rt.pid });
    const gone = await ivsctl(["local", "status"], { env });
    expect(gone.code).toBe(3);
    expect(gone.stderr).toContain("is not answering");
  });
});

describe("shell completion", () => {
  test("bash completion loads in bash and completes subcommands and flags", async () => {
    const script = (await ivsctl(["completion", "bash"])).stdout;
    const probe = (line: string) =>
      exec(["bash", "-c", `${script}\nCOMP_WORDS=(${line}); COMP_CWORD=$((\${#COMP_WORDS[@]}-1)); _ivsctl; printf '%s\\n' "\${COMPREPLY[@]}"`]);
    expect((await probe("ivsctl cha")).stdout.trim()).toBe("channel");
    expect((await probe("ivsctl channel cr")).stdout.trim()).toBe("create");
    expect((await probe("ivsctl channel create --insec")).stdout.trim()).toBe("--insecure-ingest");
  });
  test("zsh and fish scripts are generated", async () => {
    expect((await ivsctl(["completion", "zsh"])).stdout).toStartWith("#compdef ivsctl");
    expect((await ivsctl(["completion", "fish"])).stdout).toContain("complete -c ivsctl -n '__fish_use_subcommand' -a channel");
  });
});
