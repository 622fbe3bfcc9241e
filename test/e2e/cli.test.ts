/** The binary's conventions: help, version, unknown flags, bad input before any AWS call, local mode. */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { createHash, generateKeyPairSync } from "node:crypto";
import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
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

// Fixture files for the bad-input cases: invalid UTF-8, a malformed PEM, a P-256 key pair.
const FIX = mkdtempSync(join(tmpdir(), "ivsctl-bad-"));
const p256 = generateKeyPairSync("ec", { namedCurve: "prime256v1" });
writeFileSync(join(FIX, "bad-utf8.txt"), Buffer.from([0xff, 0xfe, 0x41]));
writeFileSync(join(FIX, "bad-utf8.jsonl"), Buffer.concat([Buffer.from('{"a":1}\n'), Buffer.from([0xc3, 0x28]), Buffer.from("\n")]));
writeFileSync(join(FIX, "garbage.pem"), "not a pem\n");
writeFileSync(join(FIX, "p256.pem"), p256.privateKey.export({ type: "pkcs8", format: "pem" }), { mode: 0o600 }); // 0644 would add the key-mode warning line
writeFileSync(join(FIX, "p256.pub"), p256.publicKey.export({ type: "spki", format: "pem" }));
const fx = (name: string) => join(FIX, name);

// Each case must fail with its exit code and a one-line error, and make no AWS call. A string
// pattern is the start of the error line; a RegExp matches it.
const BAD_INPUT: [string[], number, RegExp | string][] = [
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
  [["local", "start", "--port", "99999"], 2, /^error: --port must be a whole number from 0 to 65535 \(got "99999"\)$/],
  // Flags in the wrong place, invalid UTF-8, malformed and wrong-curve keys.
  [["--name", "x", "channel", "create"], 2, "error: unknown flag --name"],
  [["channel", "--stack"], 2, "error: --stack needs a value (name)"],
  [["metadata", "put", "demo", `@${fx("bad-utf8.txt")}`], 2, `error: payload file ${fx("bad-utf8.txt")} is not valid UTF-8`],
  [["metadata", "send", "demo", "--file", fx("bad-utf8.jsonl")], 2, `error: --file ${fx("bad-utf8.jsonl")} is not valid UTF-8`],
  [["keys", "import", fx("garbage.pem")], 2, `error: key file ${fx("garbage.pem")} is not a PEM key`],
  [["keys", "import", fx("p256.pub")], 2, `error: key file ${fx("p256.pub")} is an EC key on prime256v1, not P-384 (secp384r1)`],
  [["playback-key", "import", fx("garbage.pem")], 2, `error: ${fx("garbage.pem")} is not a PEM key`],
  [["playback-key", "import", fx("p256.pub")], 2, `error: ${fx("p256.pub")} is an EC key on prime256v1, not P-384`],
  [["channel", "token", "demo", "--key", fx("garbage.pem")], 2, `error: ${fx("garbage.pem")} is not a PEM private key`],
  [["channel", "token", "demo", "--key", fx("p256.pem")], 2, `error: ${fx("p256.pem")} is an EC key on prime256v1, not P-384`],
  [["stage", "token", "x", "--self-signed", "--private-key-file", fx("p256.pem"), "--public-key-arn", "arn:aws:ivs:us-east-1:123456789012:public-key/AbCdEf012345"], 2, "error: private key file"],
  // Across every command group: missing arguments, wrong ARN types, out-of-range values, bad files.
  [["stream-key", "create"], 2, "error: missing required argument <channel>"],
  [["stream-key", "create", "arn:aws:ivs:us-east-1:123456789012:stage/AbCdEf012345"], 2, "error: \"arn:aws:ivs:us-east-1:123456789012:stage/AbCdEf012345\" is a ivs stage ARN, not a c"],
  [["stream-key", "get"], 2, "error: missing required argument <channel>"],
  [["stream-key", "delete", "x", "--bogus"], 2, "error: unknown flag --bogus"],
  [["stream-key", "rotate"], 2, "error: missing required argument <channel>"],
  [["stream-key", "create", "demo", "--tag", "=v"], 2, "error: --tag must be key=value (got \"=v\")"],
  [["playback-key", "create"], 2, "error: say where the private key goes: --key-file FILE (mode 0600) or --secret ID (Secrets"],
  [["playback-key", "create", "--out", "/tmp/x.pem", "--secret", "s"], 2, "error: give either --key-file FILE or --secret ID, not both"],
  [["playback-key", "create", "--name", "bad name", "--out", "/tmp/y.pem"], 2, "error: --name may hold only letters, digits, - and _ (at most 128), got \"bad name\""],
  [["playback-key", "import"], 2, "error: missing required argument <file>"],
  [["playback-key", "import", "/nonexistent.pem"], 2, "error: cannot read public key file /nonexistent.pem: ENOENT"],
  [["playback-key", "get"], 2, "error: missing required argument <key>"],
  [["playback-key", "delete", "arn:aws:ivs:us-east-1:123456789012:channel/AbCdEf012345"], 2, "error: \"arn:aws:ivs:us-east-1:123456789012:channel/AbCdEf012345\" is a ivs channel ARN, not"],
  [["channel", "token"], 2, "error: missing required argument <channel>"],
  [["channel", "token", "demo"], 2, "error: a signing key is needed: --key-file FILE (private key PEM) or --secret ID (Secrets Ma"],
  [["channel", "token", "demo", "--key", "/nonexistent.pem"], 2, "error: cannot read key file /nonexistent.pem: ENOENT"],
  [["channel", "token", "demo", "--key", "/tmp/x", "--secret", "s"], 2, "error: give either --key-file FILE or --secret ID, not both"],
  [["channel", "token", "demo", "--key", "/tmp/x", "--ttl", "0s"], 2, "error: --ttl must be positive (got 0s)"],
  [["channel", "token", "demo", "--key", "/tmp/x", "--ttl", "-5m"], 2, "error: --ttl must not be negative (got \"-5m\")"],
  [["channel", "token", "demo", "--key", "/tmp/x", "--ttl", "forever"], 2, "error: --ttl must be a duration like 30s, 15m, 12h or 1h30m (got \"forever\")"],
  [["channel", "token", "demo", "--key", "/tmp/x", "--origin", "notaurl"], 2, "error: --origin must be an origin such as https://example.com or https://*.example.com (go"],
  [["channel", "token", "demo", "--key", "/tmp/x", "--viewer-id", "01234567890123456789012345678901234567890"], 2, "error: --viewer-id may be at most 40 characters (got 41)"],
  [["channel", "token", "demo", "--key", "/tmp/x", "--single-use", "--ttl", "1h"], 2, "error: with --single-use the token may expire at most 10 minutes ahead (--ttl 3600s is lon"],
  [["channel", "token", "demo", "--key", "/tmp/x", "--max-resolution", "4K"], 2, "error: --max-resolution must be one of SD, HD, FULL_HD (got \"4K\")"],
  [["channel", "token", "demo", "--key", "/tmp/x", "--count", "0"], 2, "error: --count must be a whole number from 1 to 100000 (got \"0\")"],
  [["channel", "token", "demo", "--key", "/tmp/x", "--count", "many"], 2, "error: --count must be a whole number from 1 to 100000 (got \"many\")"],
  [["channel", "token", "demo", "--key", "/tmp/x", "--viewer-session-version", "-1"], 2, "error: --viewer-session-version must be a whole number >= 0 (got \"-1\")"],
  [["token", "decode"], 2, "error: missing required argument <token>"],
  [["token", "decode", "not.a.jwt"], 2, "error: not a JWT: the header is not base64url-encoded JSON"],
  [["token", "decode", "abc"], 2, "error: not a JWT: expected three base64url parts separated by dots"],
  [["token", "verify"], 2, "error: missing required argument <token>"],
  [["token", "verify", "a.b.c", "--public-key", "/nonexistent.pem"], 2, "error: not a JWT: the header is not base64url-encoded JSON"],
  [["recording", "create"], 2, "error: --bucket is required"],
  [["recording", "create", "--bucket", "Bad_Bucket"], 2, "error: --bucket \"Bad_Bucket\" is not a valid S3 bucket name: it may hold only lowercase let"],
  [["recording", "create", "--bucket", "ab"], 2, "error: --bucket \"ab\" is not a valid S3 bucket name: it must be 3 to 63 characters long"],
  [["recording", "create", "--bucket", "192.168.1.1"], 2, "error: --bucket \"192.168.1.1\" is not a valid S3 bucket name: it must not be formatted as a"],
  [["recording", "create", "--bucket", "ok-bucket", "--renditions", "UHD"], 2, "error: --renditions must be all, none, or a comma list of SD, HD, FULL_HD, LOWEST_RESOLUTI"],
  [["recording", "create", "--bucket", "ok-bucket", "--thumbnails", "0s"], 2, "error: --thumbnails must be a whole number of seconds from 1s to 60s (got 0s)"],
  [["recording", "create", "--bucket", "ok-bucket", "--thumbnails", "61s"], 2, "error: --thumbnails must be a whole number of seconds from 1s to 60s (got 61s)"],
  [["recording", "create", "--bucket", "ok-bucket", "--thumbnail-storage", "WEEKLY"], 2, "error: --thumbnail-storage must be a comma list of SEQUENTIAL, LATEST (got \"WEEKLY\")"],
  [["recording", "create", "--bucket", "ok-bucket", "--reconnect-window", "301s"], 2, "error: --reconnect-window must be a whole number of seconds from 0s to 300s (got 301s)"],
  [["recording", "create", "--bucket", "ok-bucket", "--thumbnail-resolution", "8K"], 2, "error: --thumbnail-resolution must be one of SD, HD, FULL_HD, LOWEST_RESOLUTION (got \"8K\")"],
  [["recording", "get"], 2, "error: missing required argument <recording>"],
  [["recording", "delete", "arn:aws:ivs:us-east-1:123456789012:channel/AbCdEf012345"], 2, "error: \"arn:aws:ivs:us-east-1:123456789012:channel/AbCdEf012345\" is a ivs channel ARN, not"],
  [["stream", "get"], 2, "error: missing required argument <channel>"],
  [["stream", "list", "--health", "GREAT"], 2, "error: --health must be one of HEALTHY, STARVING, UNKNOWN (got \"GREAT\")"],
  [["stream", "session", "demo"], 2, "error: missing required argument <session-id>"],
  [["stream", "session", "demo", "not-a-stream-id"], 2, "error: \"not-a-stream-id\" is not a stream session id (st- followed by 23 letters or digits)"],
  [["stream", "sessions"], 2, "error: missing required argument <channel>"],
  [["stage", "create", "--name", "bad name"], 2, "error: --name may hold only letters, digits, - and _ (at most 128), got \"bad name\""],
  [["stage", "create", "--token-ttl", "0m"], 2, "error: --token-ttl must be between 1 minute and 14 days (got 0 minutes)"],
  [["stage", "create", "--token-duration", "15d"], 2, "error: --token-ttl must be between 1 minute and 14 days (got 21600 minutes)"], // the old name, a hidden alias
  [["stage", "create", "--token-capabilities", "publish,sing"], 2, "error: --token-capabilities: unknown capability \"sing\""],
  [["stage", "create", "--token-user-id", "0123456789012345678901234567890123456789012345678901234567890123456789012345678901234567890123456789012345678901234567890123456789"], 2, "error: --user-id is longer than 128 characters (130)"],
  [["stage", "get"], 2, "error: missing required argument <stage>"],
  [["stage", "get", "arn:aws:ivs:us-east-1:123456789012:channel/AbCdEf012345"], 2, "error: \"arn:aws:ivs:us-east-1:123456789012:channel/AbCdEf012345\" is a ivs channel ARN, not"],
  [["stage", "token", "x", "--ttl", "0m"], 2, "error: --ttl must be between 1 minute and 14 days (got 0 minutes)"],
  [["stage", "token", "x", "--duration", "15d"], 2, "error: --ttl must be between 1 minute and 14 days (got 21600 minutes)"], // the old name, a hidden alias
  [["stage", "token", "x", "--capabilities", "publsh"], 2, "error: --capabilities: unknown capability \"publsh\""],
  [["stage", "token", "x", "--attribute", "noequals"], 2, "error: --attribute must be key=value (got \"noequals\")"],
  [["stage", "token", "x", "--count", "0"], 2, "error: --count must be a whole number from 1 to 100000 (got \"0\")"],
  [["stage", "token", "x", "--self-signed", "--participant-id", "has space"], 2, "error: --participant-id may hold only letters, digits, - and _ (1 to 64 characters), got \""],
  [["stage", "participants", "x", "--state", "ONLINE"], 2, "error: --state must be one of CONNECTED, DISCONNECTED (got \"ONLINE\")"],
  [["stage", "disconnect", "x"], 2, "error: missing required argument <participant-id>"],
  [["stage", "delete"], 2, "error: missing required argument <stage>"],
  [["keys", "rotate", "--grace", "forever"], 2, "error: --grace must be a duration like 30s, 15m, 12h or 1h30m (got \"forever\")"],
  [["keys", "rotate", "--grace", "-1h"], 2, "error: --grace must not be negative (got \"-1h\")"],
  [["keys", "import"], 2, "error: missing required argument <file>"],
  [["keys", "import", "/nonexistent.pem"], 2, "error: cannot read public key file /nonexistent.pem: ENOENT"],
  [["keys", "delete"], 2, "error: missing required argument <arn>"],
  [["keys", "delete", "not-an-arn"], 2, "error: <arn> must be a public-key ARN (arn:aws:ivs:<region>:<account>:public-key/<id>), go"],
  [["vp", "invite"], 2, "error: missing required argument <stage>"],
  [["vp", "invite", "x", "--subnets", "vpc-123"], 2, "error: --subnets: \"vpc-123\" is not a subnet id (subnet- and 8 or 17 hex digits)"],
  [["vp", "invite", "x", "--security-groups", "subnet-1"], 2, "error: --security-groups: \"subnet-1\" is not a security group id (sg- and 8 or 17 hex digit"],
  [["vp", "invite", "x", "--timeout", "10s"], 2, "error: --timeout applies only with --wait"],
  [["vp", "invite", "x", "--wait", "--timeout", "soon"], 2, "error: --timeout must be a duration like 30s, 15m, 12h or 1h30m (got \"soon\")"],
  [["vp", "invite", "x", "--attribute", "noequals"], 2, "error: --attribute must be key=value (got \"noequals\")"],
  [["vp", "invite", "x", "--env", "STAGE_ARN=override"], 2, "error: --env STAGE_ARN: ivsctl sets STAGE_ARN itself"],
  [["vp", "invite", "x", "--assign-public-ip", "MAYBE"], 2, "error: --assign-public-ip: must be ENABLED or DISABLED (got \"MAYBE\")"],
  [["vp", "kick"], 2, "error: missing required argument <stage>"],
  [["vp", "list", "--stage", "arn:aws:ivs:us-east-1:123456789012:channel/AbCdEf012345"], 2, "error: \"arn:aws:ivs:us-east-1:123456789012:channel/AbCdEf012345\" is a ivs channel ARN, not"],
  [["ingest"], 2, "error: give a channel, --stage STAGE or --url rtmps://\u2026"],
  [["ingest", "demo", "--bitrate", "20M"], 2, "error: --bitrate 20 Mbps is above the IVS limit of 8.5 Mbps (BASIC channels: 3.5 Mbps)"],
  [["ingest", "demo", "--resolution", "4k"], 2, "error: --resolution 4k is above the IVS limit of 1080p (1920x1080)"],
  [["ingest", "demo", "--fps", "0"], 2, "error: --fps must be between 1 and 60 (got \"0\")"],
  [["ingest", "demo", "--fps", "500"], 2, "error: --fps must be between 1 and 60 (got \"500\")"],
  [["ingest", "demo", "--duration", "0s"], 2, "error: --duration must be positive"],
  [["ingest", "demo", "--file", "/nonexistent.mp4"], 2, "error: --file not found: /nonexistent.mp4"],
  [["ingest", "demo", "--url", "ftp://x"], 2, "error: give only one target: a channel, --stage or --url"],
  [["ingest", "demo", "--stage", "s"], 2, "error: give only one target: a channel, --stage or --url"],
  [["ingest", "--stage", "s", "--resolution", "1080p"], 2, "error: --resolution 1920x1080 is above the stage limit of 720p (1280x720)"],
  [["metadata", "put"], 2, "error: missing required argument <channel>"],
  [["metadata", "put", "demo", ""], 2, "error: metadata is empty: PutMetadata needs at least 1 character"],
  [["metadata", "put", "demo", "@/nonexistent.json"], 2, "error: payload file not found: /nonexistent.json"],
  [["metadata", "put", "demo", "not json", "--json"], 2, "error: metadata is not valid JSON"],
  [["metadata", "send", "demo"], 2, "error: --file is required"],
  [["metadata", "send", "demo", "--file", "/nonexistent.jsonl"], 2, "error: --file not found: /nonexistent.jsonl"],
  [["metadata", "send", "demo", "--file", "/tmp/x", "--rate", "6"], 2, "error: --rate must be more than 0 and at most 5 (PutMetadata's per-channel limit), got 6"],
  [["metadata", "send", "demo", "--file", "/tmp/x", "--rate", "0"], 2, "error: --rate must be more than 0 and at most 5 (PutMetadata's per-channel limit), got 0"],
  [["metadata", "loop", "demo", "--every", "0s"], 2, "error: --every must be at least 200ms (PutMetadata allows 5 a second per channel)"],
  [["metadata", "loop", "demo", "--template", "/nonexistent"], 2, "error: --template not found: /nonexistent"],
  [["local", "start", "--port", "abc"], 2, "error: --port must be a whole number from 0 to 65535 (got \"abc\")"],
  [["local", "start", "--state"], 2, "error: --state needs a value (file)"],
  [["completion"], 2, "error: missing required argument <shell>"],
];

describe(`bad input (${BAD_INPUT.length} cases): one line, documented exit code, no AWS call`, () => {
  test.each(BAD_INPUT)("ivsctl %j -> exit %d", async (args, code, pattern) => {
    const before = await requests();
    const r = await local.run(args);
    expect(r.code).toBe(code);
    expect(r.stdout).toBe("");
    const lines = r.stderr.trimEnd().split("\n");
    if (typeof pattern === "string") expect(lines[0]).toStartWith(pattern);
    else expect(lines[0]).toMatch(pattern);
    expect(lines.length).toBeLessThanOrEqual(2); // the error, and at most a hint
    if (lines[1]) expect(lines[1]).toMatch(/^hint: /);
    expect(r.stderr).not.toContain("    at "); // no stack trace
    expect(await requests()).toEqual(before);
  });

  test("invalid UTF-8 on stdin is refused before any call", async () => {
    const before = await requests();
    const r = await local.run(["metadata", "put", "demo", "-"], { stdin: new Uint8Array([0xff, 0x41]) });
    expect(r.code).toBe(2);
    expect(r.stderr).toBe("error: stdin is not valid UTF-8\n");
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

describe("SSO profiles inside the compiled binary", () => {
  test("an sso-session profile: cached token exchanged for role credentials, region from the profile", async () => {
    const home = mkdtempSync(join(tmpdir(), "ivsctl-sso-"));
    const cache = join(home, ".aws", "sso", "cache");
    mkdirSync(cache, { recursive: true });
    await Bun.write(
      join(home, ".aws", "config"),
      "[profile sso-lab]\nsso_session = lab\nsso_account_id = 123456789012\nsso_role_name = Developer\nregion = eu-west-1\n\n[sso-session lab]\nsso_start_url = https://example.awsapps.com/start\nsso_region = us-east-1\n",
    );
    // The SDK looks the token up by the SHA-1 of the session name, as `aws sso login` caches it.
    await Bun.write(join(cache, `${createHash("sha1").update("lab").digest("hex")}.json`), JSON.stringify({ startUrl: "https://example.awsapps.com/start", region: "us-east-1", accessToken: "cached-sso-token", expiresAt: "2099-01-01T00:00:00Z" }));
    const env = { HOME: home, AWS_CONFIG_FILE: join(home, ".aws", "config"), AWS_ENDPOINT_URL_SSO: local.endpoint };
    const r = await ivsctl(["channel", "create", "--name", "via-sso", "--profile", "sso-lab", "--endpoint-url", local.endpoint, "-o", "json"], { env });
    expect(r.stderr).toContain("created channel via-sso");
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout).channel.arn).toStartWith("arn:aws:ivs:eu-west-1:123456789012:channel/");
    // Without the cached token there are no credentials: exit 3.
    const noToken = await ivsctl(["channel", "list", "--profile", "sso-lab", "--endpoint-url", local.endpoint], { env: { ...env, HOME: mkdtempSync(join(tmpdir(), "ivsctl-sso-empty-")) } });
    expect(noToken.code).toBe(3);
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
