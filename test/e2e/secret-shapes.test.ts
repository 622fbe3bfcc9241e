/**
 * Issue 11 §1: with keys in their real shapes (sk_<region>_<id>_<secret>, rt_<account>_<region>_<id>_<secret>)
 * and hostile third-party stream names, no printing path leaks a secret: channel and stream-key
 * commands in every format, ingest --dry-run, ingest progress and error lines, JSON errors, and a
 * stage ingest configuration's key. Malformed regions are refused before any AWS call.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ensureBinary, ivsctl, json } from "../helpers/cli.ts";
import { startEmulator, type LocalEmulator } from "../helpers/local.ts";
import { awsCliEnv, exec, HAS_AWS_CLI, skipReason, which } from "../helpers/tools.ts";

const HAS_FFMPEG = Boolean(which("ffmpeg"));
if (!HAS_FFMPEG) skipReason("ingest progress/error lines with hostile stream names", "ffmpeg");
if (!HAS_AWS_CLI) skipReason("stage ingest-configuration key through the AWS CLI", "aws");

let local: LocalEmulator;
let dir: string;
const FORMATS = ["table", "json", "text"];
/** A dead loopback port: ffmpeg fails at once with "Connection refused". */
const DEAD_RTMP = "rtmp://127.0.0.1:9";

beforeAll(async () => {
  ensureBinary();
  local = await startEmulator();
  dir = mkdtempSync(join(tmpdir(), "ivsctl-shapes-"));
});
afterAll(() => local?.stop());

const secretOf = (key: string) => key.slice(key.lastIndexOf("_") + 1);
const all = (r: { stdout: string; stderr: string }) => r.stdout + r.stderr;

describe("the emulator mints real shapes, and nothing prints their secrets", () => {
  test("channel create/get and stream-key get/create/rotate, in every format", async () => {
    const made = json(await local.run(["channel", "create", "--name", "shapes", "--show-secrets", "-o", "json"]));
    const key: string = made.streamKey.value;
    const keyId = made.streamKey.arn.split("/").pop();
    expect(key).toMatch(new RegExp(`^sk_us-east-1_${keyId}_[A-Za-z0-9]{30}$`));
    const secrets = [secretOf(key), made.channel.srt.passphrase];
    const check = (r: { code: number; stdout: string; stderr: string }, what: string) => {
      expect(r.code, what).toBe(0);
      for (const s of secrets) expect(all(r), what).not.toContain(s);
    };
    for (const format of FORMATS) {
      // --insecure-ingest: the RTMP and SRT URLs are printed too.
      const created = await local.run(["channel", "create", "--name", `shapes-${format}`, "--insecure-ingest", "-o", format]);
      check(created, `channel create -o ${format}`);
      expect(created.stdout).toMatch(/sk_us-east-1_[A-Za-z0-9]{12}_\*\*\*\*[A-Za-z0-9]{4}/);
      if (format !== "json") expect(created.stdout).toMatch(/srt:\/\/\S+\?streamid=sk_us-east-1_[A-Za-z0-9]{12}_\*\*\*\*[A-Za-z0-9]{4}&passphrase=\*\*\*\*/);
      check(await local.run(["channel", "get", "shapes", "-o", format]), `channel get -o ${format}`);
      const got = await local.run(["stream-key", "get", "shapes", "-o", format]);
      check(got, `stream-key get -o ${format}`);
      expect(got.stdout).toContain(`sk_us-east-1_${keyId}_****${key.slice(-4)}`);
    }
    // rotate and create mint new keys: their secrets must not print either.
    for (const format of FORMATS) {
      const shown = json(await local.run(["stream-key", "get", "shapes", "--show-secrets", "-o", "json"]));
      secrets.push(secretOf(shown.streamKey.value));
      const rotated = await local.run(["stream-key", "rotate", "shapes", "--yes", "-o", format]);
      check(rotated, `stream-key rotate -o ${format}`);
      const fresh = json(await local.run(["stream-key", "get", "shapes", "--show-secrets", "-o", "json"])).streamKey;
      expect(fresh.value).toBe(`sk_us-east-1_${fresh.arn.split("/").pop()}_${secretOf(fresh.value)}`);
      expect(all(rotated)).not.toContain(secretOf(fresh.value));
    }
    for (const format of FORMATS) {
      expect((await local.run(["stream-key", "delete", "shapes", "--yes"])).code).toBe(0);
      const createdKey = await local.run(["stream-key", "create", "shapes", "-o", format]);
      expect(createdKey.code).toBe(0);
      const fresh = json(await local.run(["stream-key", "get", "shapes", "--show-secrets", "-o", "json"])).streamKey.value;
      expect(all(createdKey)).not.toContain(secretOf(fresh));
      expect(createdKey.stdout).toContain(`****${fresh.slice(-4)}`);
    }
  }, 60_000);
});

describe("ingest with a real-shaped key from a file", () => {
  test("--dry-run to a --url base prints no part of the secret (the issue's acceptance check)", async () => {
    const keyFile = join(dir, "real.key");
    writeFileSync(keyFile, "sk_us-west-2_abcdABCDefgh_567890abcdefSECRETsecretSECRET\n", { mode: 0o600 });
    for (const format of FORMATS) {
      const r = await ivsctl(["ingest", "--url", "rtmps://example.invalid:443/app/", "--stream-key-file", keyFile, "--dry-run", "-o", format]);
      expect(r.code).toBe(0);
      expect(all(r)).not.toContain("SECRETsecret");
      expect(r.stdout).toContain("rtmps://example.invalid:443/app/sk_us-west-2_abcdABCDefgh_****CRET");
    }
  });
  test("a key whose region has a two-digit suffix is redacted too", async () => {
    const keyFile = join(dir, "r10.key");
    writeFileSync(keyFile, "sk_us-east-10_abcdABCDefgh_567890abcdefSECRETsecretSECRET", { mode: 0o600 });
    const r = await ivsctl(["ingest", "--url", "rtmps://example.invalid:443/app/", "--stream-key-file", keyFile, "--dry-run", "-o", "json"]);
    expect(r.code).toBe(0);
    expect(json(r).target).toBe("rtmps://example.invalid:443/app/sk_us-east-10_abcdABCDefgh_****CRET");
  });
});

// Third-party servers' keys have no fixed form: ?, :, ' and quotes included.
const HOSTILE = ["mystream?token=SECRET", "my:stream:SECRET", "it's'SECRET", 'say"SECRET"'];

describe("hostile third-party stream names", () => {
  test("--dry-run, --url holding the name or --stream-key-file, every format", async () => {
    for (const name of HOSTILE) {
      const keyFile = join(dir, "hostile.key");
      writeFileSync(keyFile, name, { mode: 0o600 });
      for (const format of FORMATS) {
        for (const args of [["--url", `rtmp://h/app/${name}`], ["--url", "rtmp://h/app", "--stream-key-file", keyFile]]) {
          const r = await ivsctl(["ingest", ...args, "--dry-run", "-o", format]);
          expect(r.code).toBe(0);
          expect(all(r), `${name} ${args.join(" ")} -o ${format}`).not.toContain("SECRET");
          expect(r.stdout).toContain("rtmp://h/app/****");
        }
      }
    }
  });

  test("a usage error quoting the URL does not print the name", async () => {
    const r = await ivsctl(["ingest", "--url", "rtmp://h/app/my'stream?token=SECRET", "--wait-live", "-o", "json"]);
    expect(r.code).toBe(2);
    expect(r.stderr).not.toContain("SECRET");
    expect(r.stderr.split("\n")[0]).toBe("error: --wait-live needs a channel or --stage (a third-party server has no GetStream)");
  });

  test.skipIf(!HAS_FFMPEG)("progress line, ffmpeg's error line and the JSON error hold no part of the name", async () => {
    for (const name of HOSTILE) {
      const keyFile = join(dir, "hostile-run.key");
      writeFileSync(keyFile, name, { mode: 0o600 });
      for (const args of [["--url", `${DEAD_RTMP}/app/${name}`], ["--url", `${DEAD_RTMP}/app`, "--stream-key-file", keyFile]]) {
        const r = await ivsctl(["ingest", ...args, "--duration", "2s", "--resolution", "360p", "-o", "json"]);
        expect(r.code).toBe(7);
        expect(r.stderr).toContain(`streaming test pattern at 640x360@30`);
        expect(r.stderr).toContain(`to ${DEAD_RTMP}/app/****`);
        expect(r.stderr).toMatch(/^error: ffmpeg failed: .+ \(FfmpegFailed\)$/m);
        const jsonError = r.stderr.split("\n").find((l) => l.startsWith('{"error"'));
        expect(JSON.parse(jsonError!).error.code).toBe("FfmpegFailed");
        expect(all(r), `${name} ${args.join(" ")}`).not.toContain("SECRET");
      }
    }
  }, 60_000);
});

describe.skipIf(!HAS_AWS_CLI)("stage ingest configurations", () => {
  test("the key is rt_<account>_<region>_<id>_<secret> (as the AWS CLI sees it) and ivsctl prints it redacted", async () => {
    const stage = json(await local.run(["stage", "create", "--name", "shapes-stage", "-o", "json"])).stage.arn as string;
    const env = { ...awsCliEnv() };
    const created = await exec(["aws", "ivs-realtime", "create-ingest-configuration", "--endpoint-url", local.endpoint, "--stage-arn", stage, "--ingest-protocol", "RTMPS", "--output", "json"], env);
    expect(created.code).toBe(0);
    const config = JSON.parse(created.stdout).ingestConfiguration;
    const id = config.arn.split("/").pop();
    expect(config.streamKey).toMatch(new RegExp(`^rt_123456789012_us-east-1_${id}_[A-Za-z0-9]{30}$`));
    for (const format of FORMATS) {
      const r = await local.run(["ingest", "--stage", stage, "--ingest-config", config.arn, "--dry-run", "-o", format]);
      expect(r.code).toBe(0);
      expect(all(r)).not.toContain(secretOf(config.streamKey));
      expect(r.stdout).toContain(`rt_123456789012_us-east-1_${id}_****${config.streamKey.slice(-4)}`);
    }
  });
});

describe("regions are checked before any AWS call", () => {
  const NO_AWS = { IVSCTL_LOCAL_ENDPOINT: "http://127.0.0.1:9", AWS_MAX_ATTEMPTS: "1" };
  test("AWS_REGION / AWS_DEFAULT_REGION malformed: exit 3, one line", async () => {
    for (const [variable, value] of [["AWS_REGION", "useast1"], ["AWS_DEFAULT_REGION", "us-east-1;rm"]] as const) {
      const r = await ivsctl(["channel", "list", "--local"], { env: { ...NO_AWS, [variable]: value } });
      expect(r.code).toBe(3);
      expect(r.stderr).toBe(`error: ${variable} is not an AWS region name (got ${JSON.stringify(value)})\nhint: e.g. ${variable}=us-east-1\n`);
    }
  });
  test("--region malformed: exit 2; us-east-10 passes the check (and then fails on the dead endpoint, exit 6)", async () => {
    const bad = await ivsctl(["channel", "list", "--local", "--region", "us_east_1"], { env: NO_AWS });
    expect(bad.code).toBe(2);
    expect(bad.stderr.split("\n")[0]).toBe('error: --region is not an AWS region name (got "us_east_1")');
    const ok = await ivsctl(["channel", "list", "--local", "--region", "us-east-10"], { env: NO_AWS });
    expect(ok.code).toBe(6);
  });
});
