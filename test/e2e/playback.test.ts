/**
 * Private channels end to end: playback key pairs, `channel token`, `token decode|verify`, with a
 * second JWT implementation (Python joserfc) checking ivsctl's tokens against the imported key.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { generateKeyPairSync } from "node:crypto";
import { existsSync, mkdtempSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { SignJWT } from "jose";
import { ensureBinary, json } from "../helpers/cli.ts";
import { startEmulator, type LocalEmulator } from "../helpers/local.ts";
import { awsCliEnv, exec, HAS_AWS_CLI, HAS_PYTHON, skipReason } from "../helpers/tools.ts";

let local: LocalEmulator;
let dir: string;
let channelArn: string;
/** Nothing listens here: a command that exits 2 against it made no AWS call (a call would be exit 6). */
const DEAD = { IVSCTL_LOCAL_ENDPOINT: "http://127.0.0.1:9", AWS_MAX_ATTEMPTS: "1" };

beforeAll(async () => {
  ensureBinary();
  local = await startEmulator();
  dir = mkdtempSync(join(tmpdir(), "ivsctl-playback-"));
  channelArn = json(await local.run(["channel", "create", "--name", "private", "--authorized", "-o", "json"])).channel.arn;
});
afterAll(() => local?.stop());

const b64json = (part: string) => JSON.parse(Buffer.from(part, "base64url").toString("utf8"));
const claimsOf = (token: string) => b64json(token.split(".")[1]!);

describe("playback-key create / import / list / get / delete", () => {
  test("create --out writes a 0600 P-384 PEM, imports only the public half, and prints no key", async () => {
    const out = join(dir, "k1.pem");
    const r = await local.run(["playback-key", "create", "--name", "web", "--out", out, "-o", "json"]);
    expect(r.code).toBe(0);
    const doc = json(r);
    expect(doc.keyPair.arn).toMatch(/^arn:aws:ivs:us-east-1:123456789012:playback-key\/[A-Za-z0-9]{12}$/);
    expect(doc.keyPair.name).toBe("web");
    expect(doc.keyPair.fingerprint).toMatch(/^([0-9a-f]{2}:){15}[0-9a-f]{2}$/);
    expect(doc.privateKeyFile).toBe(out);
    expect(statSync(out).mode & 0o777).toBe(0o600);
    const pem = readFileSync(out, "utf8");
    expect(pem).toStartWith("-----BEGIN PRIVATE KEY-----");
    expect(r.stdout + r.stderr).not.toContain("PRIVATE KEY");
    expect(r.stdout + r.stderr).not.toContain(pem.split("\n")[1]!);
  });

  test("create refuses to overwrite an existing file, before any call", async () => {
    const out = join(dir, "exists.pem");
    writeFileSync(out, "keep me");
    const r = await local.run(["playback-key", "create", "--out", out], { env: DEAD });
    expect(r.code).toBe(2);
    expect(r.stderr).toBe(`error: ${out} already exists: refusing to overwrite a key file\n`);
    expect(readFileSync(out, "utf8")).toBe("keep me");
  });

  test("create needs exactly one of --out / --secret", async () => {
    const none = await local.run(["playback-key", "create"], { env: DEAD });
    expect(none.code).toBe(2);
    expect(none.stderr).toStartWith("error: say where the private key goes: --key-file FILE (mode 0600) or --secret ID (Secrets Manager)\n");
    const both = await local.run(["playback-key", "create", "--out", join(dir, "x.pem"), "--secret", "s"], { env: DEAD });
    expect(both.code).toBe(2);
    expect(both.stderr).toBe("error: give either --key-file FILE or --secret ID, not both\n");
  });

  test("create --secret stores the PEM in Secrets Manager; channel token --secret signs with it", async () => {
    const r = await local.run(["playback-key", "create", "--secret", "ivs/playback", "--region", "us-west-2", "-o", "json"]);
    expect(r.code).toBe(0);
    expect(json(r).privateKeySecretArn).toMatch(/^arn:aws:secretsmanager:us-west-2:123456789012:secret:ivs\/playback-[A-Za-z0-9]{6}$/);
    const ch = json(await local.run(["channel", "create", "--name", "west", "--authorized", "--region", "us-west-2", "-o", "json"])).channel.arn;
    const t = await local.run(["channel", "token", ch, "--secret", "ivs/playback", "--region", "us-west-2", "-o", "json"]);
    expect(t.code).toBe(0);
    expect(claimsOf(json(t).token)["aws:channel-arn"]).toBe(ch);
  });

  test("create --secret never overwrites an existing secret, and leaves no imported key behind", async () => {
    expect((await local.run(["playback-key", "create", "--secret", "ivs/taken", "--region", "eu-central-1"])).code).toBe(0);
    const before = json(await local.run(["playback-key", "list", "--region", "eu-central-1", "-o", "json"])).keyPairs.length;
    const r = await local.run(["playback-key", "create", "--secret", "ivs/taken", "--region", "eu-central-1"]);
    expect(r.code).toBe(5);
    expect(r.stderr).toStartWith("error: secret ivs/taken already exists: refusing to replace its value; the imported public key was deleted again (ResourceExistsException)\n");
    expect(json(await local.run(["playback-key", "list", "--region", "eu-central-1", "-o", "json"])).keyPairs).toHaveLength(before);
  });

  test("import takes a public PEM; list, get by name/id/ARN, delete", async () => {
    const { publicKey } = generateKeyPairSync("ec", { namedCurve: "secp384r1" });
    const file = join(dir, "pub.pem");
    writeFileSync(file, publicKey.export({ type: "spki", format: "pem" }).toString());
    const r = await local.run(["playback-key", "import", file, "--name", "imported", "--tag", "team=video", "--region", "ap-south-1", "-o", "json"]);
    expect(r.code).toBe(0);
    const arn = json(r).keyPair.arn;
    expect(json(r).keyPair.tags).toEqual({ team: "video" });
    const list = json(await local.run(["playback-key", "list", "--region", "ap-south-1", "-o", "json"]));
    expect(list.keyPairs.map((k: { arn: string }) => k.arn)).toEqual([arn]);
    for (const ref of ["imported", arn.split("/").pop(), arn]) {
      const g = await local.run(["playback-key", "get", ref, "--region", "ap-south-1", "-o", "json"]);
      expect(g.code).toBe(0);
      expect(json(g).keyPair.arn).toBe(arn);
    }
    const table = await local.run(["playback-key", "list", "--region", "ap-south-1"]);
    expect(table.stdout.split("\n")[0]).toMatch(/^NAME\s+ID\s+ARN$/);
    const refused = await local.run(["playback-key", "delete", "imported", "--region", "ap-south-1"]);
    expect(refused.code).toBe(2);
    const del = await local.run(["playback-key", "delete", "imported", "--yes", "--region", "ap-south-1", "-o", "json"]);
    expect(del.code).toBe(0);
    expect(json(del)).toEqual({ arn, deleted: true });
    expect(json(await local.run(["playback-key", "list", "--region", "ap-south-1", "-o", "json"])).keyPairs).toEqual([]);
  });

  test("the 4th key pair in a region is exit 5 with a clear message, and leaves no key file", async () => {
    const env = { AWS_REGION: "eu-west-1" };
    for (let i = 0; i < 3; i++) expect((await local.run(["playback-key", "create", "--out", join(dir, `q${i}.pem`)], { env })).code).toBe(0);
    const out = join(dir, "q3.pem");
    const r = await local.run(["playback-key", "create", "--out", out], { env });
    expect(r.code).toBe(5);
    expect(r.stderr).toBe(
      "error: this region already has the maximum of 3 playback key pairs (ServiceQuotaExceededException)\n" +
        "hint: delete one first: ivsctl playback-key list, then ivsctl playback-key delete <arn>\n",
    );
    expect(existsSync(out)).toBe(false);
    expect(json(await local.run(["playback-key", "list", "-o", "json"], { env })).keyPairs).toHaveLength(3);
  });

  test("a malformed PEM and a P-256 key are exit 2 before any call", async () => {
    const bad = join(dir, "bad.pem");
    writeFileSync(bad, "-----BEGIN PUBLIC KEY-----\nnot base64 at all\n-----END PUBLIC KEY-----\n");
    const r1 = await local.run(["playback-key", "import", bad], { env: DEAD });
    expect(r1.code).toBe(2);
    expect(r1.stderr).toBe(`error: ${bad} is a malformed PEM key\n`);
    const p256 = join(dir, "p256.pem");
    writeFileSync(p256, generateKeyPairSync("ec", { namedCurve: "prime256v1" }).publicKey.export({ type: "spki", format: "pem" }).toString());
    const r2 = await local.run(["playback-key", "import", p256], { env: DEAD });
    expect(r2.code).toBe(2);
    expect(r2.stderr).toStartWith(`error: ${p256} is an EC key on prime256v1, not P-384 (secp384r1)\n`);
    const p256priv = join(dir, "p256-private.pem");
    writeFileSync(p256priv, generateKeyPairSync("ec", { namedCurve: "prime256v1" }).privateKey.export({ type: "pkcs8", format: "pem" }).toString(), { mode: 0o600 });
    const r3 = await local.run(["channel", "token", channelArn, "--key", p256priv], { env: DEAD });
    expect(r3.code).toBe(2);
    expect(r3.stderr).toStartWith(`error: ${p256priv} is an EC key on prime256v1, not P-384 (secp384r1)\n`);
    expect(r1.stdout + r2.stdout + r3.stdout).toBe("");
  });

  if (!HAS_AWS_CLI) skipReason("aws ivs import-playback-key-pair with a P-256 key", "aws (AWS CLI)");
  test.skipIf(!HAS_AWS_CLI)("the emulator itself rejects a P-256 public key (ValidationException) for clients that skip the check", async () => {
    const pem = generateKeyPairSync("ec", { namedCurve: "prime256v1" }).publicKey.export({ type: "spki", format: "pem" }).toString();
    const r = await exec(["aws", "ivs", "import-playback-key-pair", "--public-key-material", pem, "--endpoint-url", local.endpoint, "--region", "sa-east-1"], awsCliEnv());
    expect(r.code).not.toBe(0);
    expect(r.stderr).toContain("(ValidationException)");
    expect(r.stderr).toContain("P-384");
  });
});

describe("channel token", () => {
  let keyFile: string;
  beforeAll(async () => {
    keyFile = join(dir, "signing.pem");
    expect((await local.run(["playback-key", "create", "--out", keyFile, "--region", "ca-central-1"])).code).toBe(0);
  });

  test("prints the token and <playbackUrl>?token=…; claims are exactly channel-arn and exp (seconds)", async () => {
    const r = await local.run(["channel", "token", "private", "--key", keyFile, "--ttl", "2h", "-o", "json"]);
    expect(r.code).toBe(0);
    expect(r.stderr).toBe("");
    const doc = json(r);
    const [h] = doc.token.split(".");
    expect(b64json(h)).toEqual({ alg: "ES384", typ: "JWT" });
    const claims = claimsOf(doc.token);
    expect(Object.keys(claims).sort()).toEqual(["aws:channel-arn", "exp"]);
    expect(claims["aws:channel-arn"]).toBe(channelArn);
    expect(Number.isInteger(claims.exp)).toBe(true);
    const now = Date.now() / 1000;
    expect(claims.exp).toBeGreaterThan(now + 7200 - 120);
    expect(claims.exp).toBeLessThanOrEqual(Math.ceil(now) + 7200);
    const channel = json(await local.run(["channel", "get", "private", "-o", "json"])).channel;
    expect(doc.playbackUrl).toBe(`${channel.playbackUrl}?token=${doc.token}`);
    expect(doc.claims).toEqual(claims);
  });

  test("every option maps to its aws: claim", async () => {
    const r = await local.run([
      "channel", "token", "private", "--key", keyFile, "--ttl", "5m", "--origin", "https://example.com", "--origin", "https://*.example.org/",
      "--strict-origin", "--viewer-id", "viewer-42", "--viewer-session-version", "3", "--single-use", "--max-resolution", "hd", "-o", "json",
    ]);
    expect(r.code).toBe(0);
    const c = claimsOf(json(r).token);
    expect(c["aws:access-control-allow-origin"]).toBe("https://example.com,https://*.example.org");
    expect(c["aws:strict-origin-enforcement"]).toBe(true);
    expect(c["aws:viewer-id"]).toBe("viewer-42");
    expect(c["aws:viewer-session-version"]).toBe(3);
    expect(c["aws:maximum-resolution"]).toBe("HD");
    expect(c["aws:single-use-uuid"]).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(c.exp - Math.floor(Date.now() / 1000)).toBeLessThanOrEqual(300);
  });

  test("--count N prints N JSON Lines, one uuid each, all signed by the one key", async () => {
    const r = await local.run(["channel", "token", "private", "--key", keyFile, "--ttl", "10m", "--single-use", "--count", "5", "-o", "json"]);
    expect(r.code).toBe(0);
    const lines = r.stdout.trimEnd().split("\n").map((l) => JSON.parse(l));
    expect(lines).toHaveLength(5);
    // One shape with or without --count: {channelArn, token, playbackUrl, expiresAt, claims} (issue 12).
    for (const l of lines) expect(Object.keys(l).sort()).toEqual(["channelArn", "claims", "expiresAt", "playbackUrl", "token"]);
    expect(new Set(lines.map((l) => l.claims["aws:single-use-uuid"])).size).toBe(5);
    for (const l of lines) expect(claimsOf(l.token)["aws:single-use-uuid"]).toBe(l.claims["aws:single-use-uuid"]);
    for (const l of lines) expect((await local.run(["token", "verify", l.token, "--public-key", keyFile])).code).toBe(0);
    const text = await local.run(["channel", "token", "private", "--key", keyFile, "--count", "3"]);
    expect(text.stdout.trimEnd().split("\n")).toHaveLength(3);
    for (const line of text.stdout.trimEnd().split("\n")) expect(line).toMatch(/^http:\/\/.+\.m3u8\?token=[\w-]+\.[\w-]+\.[\w-]+$/);
  });

  test("a channel that is not authorized gets a warning, and the token anyway", async () => {
    await local.run(["channel", "create", "--name", "public"]);
    const r = await local.run(["channel", "token", "public", "--key", keyFile, "-o", "json"]);
    expect(r.code).toBe(0);
    expect(r.stderr).toContain("is not authorized (private): viewers can play it without a token");
    expect(json(r).token).toBeString();
  });

  const bad: [string, string[], string][] = [
    ["zero --ttl", ["--ttl", "0s"], "error: --ttl must be positive (got 0s)\n"],
    ["negative --ttl", ["--ttl", "-5m"], 'error: --ttl must not be negative (got "-5m")\n'],
    ["a non-URL origin", ["--origin", "example.com"], 'error: --origin must be an origin such as https://example.com or https://*.example.com (got "example.com")\n'],
    ["an origin with a path", ["--origin", "https://example.com/page"], 'error: --origin must be an origin such as https://example.com or https://*.example.com (got "https://example.com/page")\n'],
    [
      "6 strict origins",
      ["--strict-origin", ...[1, 2, 3, 4, 5, 6].flatMap((i) => ["--origin", `https://o${i}.example.com`])],
      "error: at most 5 origins are allowed with --strict-origin (got 6)\n",
    ],
    ["a 41-character viewer id", ["--viewer-id", "v".repeat(41), "--ttl", "5m"], "error: --viewer-id may be at most 40 characters (got 41)\n"],
    ["--single-use with an hour", ["--single-use", "--ttl", "1h"], "error: with --single-use the token may expire at most 10 minutes ahead (--ttl 3600s is longer)\nhint: use --ttl 10m or less\n"],
    ["--viewer-id with 11 minutes", ["--viewer-id", "bob", "--ttl", "11m"], "error: with --viewer-id the token may expire at most 10 minutes ahead (--ttl 660s is longer)\nhint: use --ttl 10m or less\n"],
    ["no key", [], "error: a signing key is needed: --key-file FILE (private key PEM) or --secret ID (Secrets Manager)\n"],
    ["--count 0", ["--count", "0"], "error: --count must be a whole number from 1 to 100000 (got \"0\")\n"],
    ["--max-resolution 4K", ["--max-resolution", "4K"], 'error: --max-resolution must be one of SD, HD, FULL_HD (got "4K")\n'],
  ];
  for (const [what, flags, stderr] of bad) {
    test(`${what} is exit 2 before any call`, async () => {
      const withKey = what === "no key" ? [] : ["--key", keyFile];
      const r = await local.run(["channel", "token", channelArn, ...withKey, ...flags], { env: DEAD });
      expect(r.stderr).toBe(stderr);
      expect(r.code).toBe(2);
      expect(r.stdout).toBe("");
    });
  }

  test("5 strict origins and exactly 10 minutes with --single-use are accepted", async () => {
    const origins = [1, 2, 3, 4, 5].flatMap((i) => ["--origin", `https://o${i}.example.com`]);
    const r = await local.run(["channel", "token", "private", "--key", keyFile, "--strict-origin", ...origins, "--single-use", "--ttl", "10m", "-o", "json"]);
    expect(r.code).toBe(0);
    expect(claimsOf(json(r).token)["aws:access-control-allow-origin"].split(",")).toHaveLength(5);
  });
});

describe("token decode / verify", () => {
  let keyFile: string;
  let token: string;
  beforeAll(async () => {
    keyFile = join(dir, "verify.pem");
    await local.run(["playback-key", "create", "--out", keyFile, "--region", "eu-central-1"]);
    token = json(await local.run(["channel", "token", "private", "--key", keyFile, "--viewer-id", "ann", "--ttl", "10m", "-o", "json"])).token;
  });

  test("decode shows header, claims and readable times", async () => {
    const r = await local.run(["token", "decode", token, "-o", "json"]);
    expect(r.code).toBe(0);
    const d = json(r);
    expect(d.kind).toBe("playback");
    expect(d.header).toEqual({ alg: "ES384", typ: "JWT" });
    expect(d.claims["aws:viewer-id"]).toBe("ann");
    expect(d.times.exp.epochSeconds).toBe(d.claims.exp);
    expect(d.times.exp.time).toBe(new Date(d.claims.exp * 1000).toISOString().replace(/\.\d{3}Z$/, "Z"));
    expect(d.times.exp.relative).toMatch(/^in (10m|9m|[0-9]+s)$/);
    expect(d.expired).toBe(false);
    const human = await local.run(["token", "decode", token]);
    expect(human.stdout).toMatch(/^Kind\s+playback$/m);
    expect(human.stdout).toMatch(/^exp\s+\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ \(in \S+\)$/m);
  });

  test("decode reads stdin and playback URLs, and rejects what is not a JWT (exit 2)", async () => {
    expect(json(await local.run(["token", "decode", "-", "-o", "json"], { stdin: `${token}\n` })).claims["aws:viewer-id"]).toBe("ann");
    expect(json(await local.run(["token", "decode", `https://x.example/a.m3u8?token=${token}`, "-o", "json"])).kind).toBe("playback");
    const r = await local.run(["token", "decode", "not-a-token"]);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe("error: not a JWT: expected three base64url parts separated by dots\n");
  });

  test("verify: valid with the right key, exit 5 with another key, exit 5 when tampered", async () => {
    const ok = await local.run(["token", "verify", token, "--public-key", keyFile, "-o", "json"]);
    expect(ok.code).toBe(0);
    expect(json(ok)).toMatchObject({ kind: "playback", valid: true, signatureValid: true, expired: false });
    const other = join(dir, "other.pem");
    writeFileSync(other, generateKeyPairSync("ec", { namedCurve: "secp384r1" }).publicKey.export({ type: "spki", format: "pem" }).toString());
    const wrong = await local.run(["token", "verify", token, "--public-key", other, "-o", "json"]);
    expect(wrong.code).toBe(5);
    expect(json(wrong).signatureValid).toBe(false);
    expect(wrong.stderr).toStartWith(`error: signature does not verify with ${other} (InvalidSignature)\n`);
    const [h, p, s] = token.split(".");
    const forged = Buffer.from(JSON.stringify({ ...b64json(p!), "aws:viewer-id": "mallory" })).toString("base64url");
    const tampered = await local.run(["token", "verify", `${h}.${forged}.${s}`, "--public-key", keyFile]);
    expect(tampered.code).toBe(5);
    expect(tampered.stdout).toMatch(/^Signature\s+INVALID for /m);
  });

  test("verify: an expired token (signed with the same key) is exit 5 TokenExpired", async () => {
    const { importPrivateKeyPem } = await import("../../src/tokens/es384.ts");
    const key = importPrivateKeyPem(readFileSync(keyFile, "utf8"));
    const exp = Math.floor(Date.now() / 1000) - 120;
    const expired = await new SignJWT({ "aws:channel-arn": channelArn, exp }).setProtectedHeader({ alg: "ES384", typ: "JWT" }).sign(key);
    const r = await local.run(["token", "verify", expired, "--public-key", keyFile, "-o", "json"]);
    expect(r.code).toBe(5);
    expect(json(r)).toMatchObject({ signatureValid: true, expired: true, valid: false });
    expect(r.stderr.split("\n")[0]).toMatch(/^error: the token expired \d+m ago \(TokenExpired\)$/);
  });

  test("participant tokens decode as participant; a playback-key ARN cannot verify (IVS never returns it)", async () => {
    const { importPrivateKeyPem } = await import("../../src/tokens/es384.ts");
    const key = importPrivateKeyPem(readFileSync(keyFile, "utf8"));
    const stageArn = "arn:aws:ivs:us-east-1:123456789012:stage/AbCdEf012345";
    const exp = Math.floor(Date.now() / 1000) + 600;
    const pt = await new SignJWT({
      exp, iat: exp - 600, jti: "participant-1", resource: stageArn, topic: "AbCdEf012345", version: "1.0",
      capabilities: { allow_publish: true, allow_subscribe: true }, user_id: "alice",
    })
      .setProtectedHeader({ alg: "ES384", typ: "JWT", kid: "arn:aws:ivs:us-east-1:123456789012:public-key/AbCdEf012345" })
      .sign(key);
    const d = json(await local.run(["token", "decode", pt, "-o", "json"]));
    expect(d.kind).toBe("participant");
    expect(d.times.iat.epochSeconds).toBe(exp - 600);
    expect(d.claims.capabilities).toEqual({ allow_publish: true, allow_subscribe: true });
    const v = await local.run(["token", "verify", pt, "--public-key", keyFile, "-o", "json"]);
    expect(v.code).toBe(0);
    expect(json(v).kind).toBe("participant");
    const arn = await local.run(["token", "verify", token, "--public-key", "arn:aws:ivs:us-east-1:123456789012:playback-key/AbCdEf012345"], { env: DEAD });
    expect(arn.code).toBe(2);
    expect(arn.stderr).toStartWith("error: IVS does not return playback public keys (GetPlaybackKeyPair gives only the ARN and fingerprint)\n");
  });
});

describe("token verify with a real-time public-key ARN", () => {
  if (!HAS_AWS_CLI) skipReason("importing a real-time public key for token verify", "aws (AWS CLI)");
  test.skipIf(!HAS_AWS_CLI)("the key is fetched with GetPublicKey: by --public-key ARN, or from the token's kid", async () => {
    const { privateKey, publicKey } = generateKeyPairSync("ec", { namedCurve: "secp384r1" });
    const imp = await exec(
      ["aws", "ivs-realtime", "import-public-key", "--public-key-material", publicKey.export({ type: "spki", format: "pem" }).toString(), "--endpoint-url", local.endpoint, "--output", "json"],
      awsCliEnv(),
    );
    expect(imp.code).toBe(0);
    const arn: string = JSON.parse(imp.stdout).publicKey.arn;
    const exp = Math.floor(Date.now() / 1000) + 600;
    const pt = await new SignJWT({ exp, resource: "arn:aws:ivs:us-east-1:123456789012:stage/AbCdEf012345", capabilities: { allow_publish: true, allow_subscribe: true } })
      .setProtectedHeader({ alg: "ES384", typ: "JWT", kid: arn })
      .sign(privateKey);
    for (const extra of [["--public-key", arn], []]) {
      const r = await local.run(["token", "verify", pt, ...extra, "-o", "json"]);
      expect(r.code).toBe(0);
      expect(json(r)).toMatchObject({ kind: "participant", valid: true, key: arn });
    }
    const other = json(await local.run(["channel", "token", "private", "--key", join(dir, "verify.pem"), "-o", "json"])).token;
    const wrong = await local.run(["token", "verify", other, "--public-key", arn]);
    expect(wrong.code).toBe(5);
  });
});

describe("independent verification (Python joserfc)", () => {
  const hasJoserfc = HAS_PYTHON && Bun.spawnSync(["python3", "-c", "import joserfc, cryptography"]).exitCode === 0;
  if (!hasJoserfc) skipReason("playback token check with a second JWT implementation", "python3 with joserfc and cryptography");
  test.skipIf(!hasJoserfc)("a token from `channel token` verifies in joserfc with the public key ivsctl imported", async () => {
    const keyFile = join(dir, "py.pem");
    const made = json(await local.run(["playback-key", "create", "--out", keyFile, "--region", "us-east-2", "-o", "json"]));
    // The public half of the key file; Python checks below that it is the key ImportPlaybackKeyPair
    // received, by recomputing the fingerprint the emulator returned (MD5 of the DER public key).
    const { createPublicKey } = await import("node:crypto");
    const publicPem = createPublicKey(readFileSync(keyFile, "utf8")).export({ type: "spki", format: "pem" }).toString();
    const pubFile = join(dir, "py-public.pem");
    writeFileSync(pubFile, publicPem);
    const token = json(await local.run(["channel", "token", "private", "--key", keyFile, "--origin", "https://example.com", "--ttl", "30m", "-o", "json"])).token;
    const script = `
import sys, json, time
from joserfc import jwt
import hashlib
from cryptography.hazmat.primitives import serialization
from joserfc.jwk import ECKey
pem = open(sys.argv[1]).read()
der = serialization.load_pem_public_key(pem.encode()).public_bytes(serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo)
assert ":".join(f"{b:02x}" for b in hashlib.md5(der).digest()) == sys.argv[3], "not the imported key"
key = ECKey.import_key(pem)
tok = jwt.decode(sys.argv[2], key, algorithms=["ES384"])
assert tok.header["alg"] == "ES384" and tok.header["typ"] == "JWT", tok.header
exp = tok.claims["exp"]
assert isinstance(exp, int) and time.time() < exp < time.time() + 1801, exp
print(json.dumps({"channel": tok.claims["aws:channel-arn"], "origin": tok.claims["aws:access-control-allow-origin"], "crv": key.as_dict()["crv"]}))
`;
    const r = await exec(["python3", "-c", script, pubFile, token, made.keyPair.fingerprint]);
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toEqual({ channel: channelArn, origin: "https://example.com", crv: "P-384" });
    // And a tampered token does not verify in joserfc either.
    const [h, p, s] = token.split(".");
    const bad = await exec(["python3", "-c", script, pubFile, `${h}.${p}.${s!.slice(0, -4)}AAAA`, made.keyPair.fingerprint]);
    expect(bad.code).not.toBe(0);
    expect(bad.stderr).toContain("BadSignatureError");
  });
});
