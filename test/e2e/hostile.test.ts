/**
 * Issue 12: the binary run as CI scripts and attackers run it. Files in the working directory
 * are not configuration (a Go-style binary reads no bunfig.toml or .env).
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { generateKeyPairSync } from "node:crypto";
import { chmodSync, existsSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { BIN, baseEnv, ensureBinary, ivsctl } from "../helpers/cli.ts";
import { SEEDED_CHANNEL } from "../helpers/local.ts";

beforeAll(() => ensureBinary());

describe("no autoload of bunfig.toml or .env from the working directory", () => {
  let requests = 0;
  const listener = Bun.serve({
    port: 0,
    hostname: "127.0.0.1",
    fetch() {
      requests++;
      return new Response("{}", { headers: { "content-type": "application/json" } });
    },
  });
  afterAll(() => listener.stop(true));

  test("a preload in bunfig.toml does not run, and AWS_ENDPOINT_URL in .env is not used", async () => {
    const dir = mkdtempSync(join(tmpdir(), "ivsctl-autoload-"));
    const marker = join(dir, "preload-ran");
    writeFileSync(join(dir, "preload.ts"), `require("node:fs").writeFileSync(${JSON.stringify(marker)}, "x");\n`);
    writeFileSync(join(dir, "bunfig.toml"), `preload = ["./preload.ts"]\n`);
    writeFileSync(
      join(dir, ".env"),
      [`AWS_ENDPOINT_URL=http://127.0.0.1:${listener.port}`, "AWS_ACCESS_KEY_ID=AKIDATTACKER", "AWS_SECRET_ACCESS_KEY=x", "AWS_REGION=us-east-1", ""].join("\n"),
    );
    const proc = Bun.spawn([BIN, "channel", "list", "-o", "json"], { cwd: dir, env: baseEnv({ AWS_MAX_ATTEMPTS: "1" }), stdout: "pipe", stderr: "pipe" });
    const [, stderr, code] = await Promise.all([new Response(proc.stdout).text(), new Response(proc.stderr).text(), proc.exited]);
    expect(existsSync(marker)).toBe(false);
    expect(requests).toBe(0);
    // Without the .env there is no region: a configuration error, before any request.
    expect(code).toBe(3);
    expect(stderr).toContain("no AWS region");
  });
});

describe("reads are bounded: over the limit is exit 2 at once", () => {
  // A dead endpoint: every case must fail before any request.
  const env = { IVSCTL_LOCAL_ENDPOINT: "http://127.0.0.1:9", AWS_MAX_ATTEMPTS: "1" };
  const run = async (args: string[], stdin?: string) => {
    const proc = Bun.spawn([BIN, ...args, "--local"], { env: baseEnv(env), stdin: stdin ? Bun.file(stdin) : "ignore", stdout: "pipe", stderr: "pipe", timeout: 15_000 });
    const [stdout, stderr, code] = await Promise.all([new Response(proc.stdout).text(), new Response(proc.stderr).text(), proc.exited]);
    return { code, stdout, stderr };
  };
  const cases: [string, string[], string | undefined, string][] = [
    ["metadata put ch @/dev/zero", ["metadata", "put", "ch", "@/dev/zero"], undefined, "error: payload file is larger than 1026 bytes"],
    ["metadata put ch - </dev/zero", ["metadata", "put", "ch", "-"], "/dev/zero", "error: the payload on stdin is larger than 1026 bytes"],
    ["keys import /dev/zero", ["keys", "import", "/dev/zero"], undefined, "error: public key file is larger than 8192 bytes"],
    ["token decode - </dev/zero", ["token", "decode", "-"], "/dev/zero", "error: the token on stdin is larger than 8192 bytes"],
    ["channel token ch --key /dev/urandom", ["channel", "token", "ch", "--key", "/dev/urandom"], undefined, "error: key file is larger than 8192 bytes"],
    ["playback-key import - </dev/urandom", ["playback-key", "import", "-"], "/dev/urandom", "error: the key on stdin is larger than 8192 bytes"],
    ["ingest --stream-key-file /dev/zero", ["ingest", "ch", "--stream-key-file", "/dev/zero", "--dry-run"], undefined, "error: --stream-key-file is larger than 1024 bytes"],
  ];
  for (const [name, args, stdin, line] of cases) {
    test(name, async () => {
      const r = await run(args, stdin);
      expect(r.stderr.split("\n")[0]).toStartWith(line);
      expect(r.code).toBe(2);
    });
  }
});

describe("private key files with loose modes", () => {
  const dir = mkdtempSync(join(tmpdir(), "ivsctl-keymode-"));
  const env = { IVSCTL_LOCAL_ENDPOINT: "http://127.0.0.1:9", AWS_MAX_ATTEMPTS: "1" };
  const { privateKey } = generateKeyPairSync("ec", { namedCurve: "secp384r1" });
  const pem = privateKey.export({ type: "pkcs8", format: "pem" }).toString();
  for (const mode of [0o644, 0o777, 0o640]) {
    test(`mode 0${mode.toString(8)}: one warning line, as ssh gives`, async () => {
      const file = join(dir, `k${mode.toString(8)}.pem`);
      writeFileSync(file, pem);
      chmodSync(file, mode);
      const r = await ivsctl(["keys", "import", file, "--dry-run", "--local"], { env });
      expect(r.code).toBe(0);
      // exactly one line, as ssh gives, and nothing else on stderr for a dry run
      expect(r.stderr.split("\n").filter((l) => l.includes("chmod 600"))).toEqual([
        `warning: private key file ${file} has mode 0${mode.toString(8)}: others on this machine can read it (chmod 600 ${file})`,
      ]);
    });
  }
  test("mode 0600: no warning", async () => {
    const file = join(dir, "k600.pem");
    writeFileSync(file, pem, { mode: 0o600 });
    const r = await ivsctl(["keys", "import", file, "--dry-run", "--local"], { env });
    expect(r.code).toBe(0);
    expect(r.stderr).not.toContain("chmod 600");
  });
});

describe("configuration errors are exit 3 before any call", () => {
  const home = mkdtempSync(join(tmpdir(), "ivsctl-cfg-"));
  // [name, argv, env, what the one error line names]
  const cases: [string, string[], Record<string, string>, string][] = [
    ["--endpoint-url http://127.0.0.1:99999", ["channel", "list", "--endpoint-url", "http://127.0.0.1:99999", "--region", "us-east-1"], {}, "error: --endpoint-url"],
    ["--endpoint-url http://[::1", ["channel", "list", "--endpoint-url", "http://[::1", "--region", "us-east-1"], {}, "error: --endpoint-url"],
    ["IVSCTL_LOCAL_ENDPOINT=garbage", ["channel", "list", "--local"], { IVSCTL_LOCAL_ENDPOINT: "garbage" }, "error: IVSCTL_LOCAL_ENDPOINT"],
    ["IVSCTL_REQUEST_TIMEOUT_MS=abc", ["channel", "list", "--local"], { IVSCTL_REQUEST_TIMEOUT_MS: "abc", IVSCTL_LOCAL_ENDPOINT: "http://127.0.0.1:9" }, "error: IVSCTL_REQUEST_TIMEOUT_MS"],
    ["IVSCTL_REQUEST_TIMEOUT_MS=-1", ["channel", "list", "--local"], { IVSCTL_REQUEST_TIMEOUT_MS: "-1", IVSCTL_LOCAL_ENDPOINT: "http://127.0.0.1:9" }, "error: IVSCTL_REQUEST_TIMEOUT_MS"],
    ["IVSCTL_REQUEST_TIMEOUT_MS=1e99", ["channel", "list", "--local"], { IVSCTL_REQUEST_TIMEOUT_MS: "1e99", IVSCTL_LOCAL_ENDPOINT: "http://127.0.0.1:9" }, "error: IVSCTL_REQUEST_TIMEOUT_MS"],
    ["IVSCTL_LOCAL=2", ["channel", "list"], { IVSCTL_LOCAL: "2", AWS_REGION: "us-east-1" }, "error: IVSCTL_LOCAL must be"],
    ["IVSCTL_STREAM_KEY=''", ["ingest", "ch", "--dry-run", "--local"], { IVSCTL_STREAM_KEY: "", IVSCTL_LOCAL_ENDPOINT: "http://127.0.0.1:9" }, "error: IVSCTL_STREAM_KEY is set but empty"],
    ["--local with no endpoint and no runtime file", ["channel", "list", "--local"], { IVSCTL_HOME: home, HOME: home }, "error: local mode: no emulator endpoint is known"],
  ];
  for (const [name, args, env, line] of cases) {
    test(name, async () => {
      const r = await ivsctl(args, { env });
      const errors = r.stderr.split("\n").filter((l) => l.startsWith("error:"));
      expect(errors).toHaveLength(1);
      expect(errors[0]).toStartWith(line);
      expect(r.code).toBe(3);
    });
  }
  test("--debug prints the endpoint used", async () => {
    const r = await ivsctl(["channel", "list", "--local", "--debug"], { env: { IVSCTL_LOCAL_ENDPOINT: "http://127.0.0.1:9", AWS_MAX_ATTEMPTS: "1" } });
    expect(r.stderr).toContain("endpoint http://127.0.0.1:9 from IVSCTL_LOCAL_ENDPOINT");
  });
});

describe("ARNs are checked whole before any call (exit 2, not a request to a dead endpoint)", () => {
  const good = "arn:aws:ivs:us-west-2:123456789012:channel/AbCdEf012345";
  for (const arn of [`${good}/`, `${good}:extra`, `${good}?x=1#f`, "arn:aws:ivs:us-west-2:123456789012:channel/../x", "arn:aws:ivs::123456789012:channel/x", "arn:aws:ivs:us-west-2::channel/x", ` ${good}`]) {
    test(JSON.stringify(arn), async () => {
      const r = await ivsctl(["channel", "get", arn, "--local"], { env: { IVSCTL_LOCAL_ENDPOINT: "http://127.0.0.1:9", AWS_MAX_ATTEMPTS: "1" } });
      expect(r.stderr).toStartWith("error: malformed ARN");
      expect(r.code).toBe(2);
    });
  }
  test("channel get -- demo: after --, demo is the channel", async () => {
    const r = await ivsctl(["channel", "get", "--local", "--", "demo"], { env: { IVSCTL_LOCAL_ENDPOINT: "http://127.0.0.1:9", AWS_MAX_ATTEMPTS: "1" } });
    expect(r.stderr).not.toContain("missing required argument");
    expect(r.code).toBe(6); // it got as far as calling the (dead) endpoint
  });
});

describe("--local never talks to an emulator it did not mean", () => {
  const homes = [mkdtempSync(join(tmpdir(), "ivsctl-job-a-")), mkdtempSync(join(tmpdir(), "ivsctl-job-b-"))];
  const envOf = (home: string) => ({ IVSCTL_HOME: home, HOME: home });
  afterAll(async () => {
    for (const home of homes) await ivsctl(["local", "stop"], { env: envOf(home) });
  });

  test("two CI jobs side by side, each with its own IVSCTL_HOME, --port 0", async () => {
    const endpoints: string[] = [];
    for (const [i, home] of homes.entries()) {
      const r = await ivsctl(["local", "start", "--detach", "--port", "0", "--state", ":memory:", "-o", "json"], { env: envOf(home) });
      expect(r.code).toBe(0);
      endpoints.push(JSON.parse(r.stdout).endpoint);
      expect((await ivsctl(["channel", "create", "--name", `job-${i}`, "--local", "-o", "json"], { env: envOf(home) })).code).toBe(0);
    }
    expect(endpoints[0]).not.toBe(endpoints[1]);
    for (const [i, home] of homes.entries()) {
      const r = await ivsctl(["channel", "list", "--local", "-o", "json"], { env: envOf(home) });
      expect(JSON.parse(r.stdout).channels.map((c: { name: string }) => c.name).filter((n: string) => n !== SEEDED_CHANNEL)).toEqual([`job-${i}`]);
    }
  });

  test("local start --detach --port P while one runs on another port is exit 5", async () => {
    const r = await ivsctl(["local", "start", "--detach", "--port", "1", "--state", ":memory:"], { env: envOf(homes[0]!) });
    expect(r.stderr.split("\n")[0]).toMatch(/^error: ivsctl local is already running at http:\/\/127\.0\.0\.1:\d+ \(pid \d+\), not on port 1/);
    expect(r.code).toBe(5);
  });

  test("-q silences local stop's table; afterwards --local is exit 3, not another emulator", async () => {
    const r = await ivsctl(["local", "stop", "-q"], { env: envOf(homes[1]!) });
    expect(r.code).toBe(0);
    expect(r.stdout).toBe("");
    const after = await ivsctl(["channel", "list", "--local"], { env: envOf(homes[1]!) });
    expect(after.code).toBe(3);
  });
});
