/**
 * Issue 11 §2 through the compiled binary: the emulator's API participant tokens are real-shaped
 * JWTs that `token decode` shows and `token verify` identifies as signed by IVS's own key (not
 * public: exit 5); every verification failure of `token verify` is exit 5, a deleted key included.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { generateKeyPairSync } from "node:crypto";
import { SignJWT } from "jose";
import { ensureBinary, json } from "../helpers/cli.ts";
import { startEmulator, type LocalEmulator } from "../helpers/local.ts";
import { awsCliEnv, exec, HAS_AWS_CLI, skipReason } from "../helpers/tools.ts";

let local: LocalEmulator;
let stageArn: string;
const DEAD = { IVSCTL_LOCAL_ENDPOINT: "http://127.0.0.1:9", AWS_MAX_ATTEMPTS: "1" };

beforeAll(async () => {
  ensureBinary();
  local = await startEmulator();
  stageArn = json(await local.run(["stage", "create", "--name", "shapes-tokens", "-o", "json"])).stage.arn;
});
afterAll(() => local?.stop());

describe("API participant tokens", () => {
  test("token decode shows the claims of an IVS participant token", async () => {
    const t = json(await local.run(["stage", "token", "shapes-tokens", "--user-id", "dee", "--capabilities", "subscribe", "--duration", "2h", "-o", "json"])).participantToken;
    const d = await local.run(["token", "decode", t.token, "-o", "json"]);
    expect(d.code).toBe(0);
    const doc = json(d);
    expect(doc.kind).toBe("participant");
    expect(doc.header.alg).toBe("ES384");
    expect(doc.claims).toMatchObject({
      jti: t.participantId,
      resource: stageArn,
      topic: stageArn.split("/").pop(),
      capabilities: { allow_publish: false, allow_subscribe: true },
      version: "1.0",
      user_id: "dee",
    });
    expect(doc.claims.exp - doc.claims.iat).toBe(7200);
    expect(doc.expiresAt).toBe(new Date(doc.claims.exp * 1000).toISOString());
  });

  test("token verify: signed by IVS's own key, which is not public: exit 5, no AWS call", async () => {
    const t = json(await local.run(["stage", "token", "shapes-tokens", "-o", "json"])).participantToken;
    const r = await local.run(["token", "verify", t.token], { env: DEAD });
    expect(r.code).toBe(5);
    expect(r.stdout).toMatch(/^Signature\s+not verifiable here: signed by IVS's own key \(CreateParticipantToken\), which is not public$/m);
    expect(r.stderr).toBe(
      "error: this participant token was issued by IVS (CreateParticipantToken) and is signed with IVS's own key, which is not public: it cannot be verified here (NotVerifiable)\n" +
        "hint: only IVS checks such tokens, when a participant joins; `ivsctl token decode` shows what they hold\n",
    );
    const j = await local.run(["token", "verify", t.token, "-o", "json"], { env: DEAD });
    expect(j.code).toBe(5);
    expect(json(j)).toMatchObject({ kind: "participant", valid: null, signatureValid: null, signer: "ivs" });
  });
});

describe("token verify: every verification failure is exit 5", () => {
  test("alg other than ES384", async () => {
    const hs = await new SignJWT({ resource: stageArn, exp: Math.floor(Date.now() / 1000) + 60 }).setProtectedHeader({ alg: "HS256" }).sign(new TextEncoder().encode("k".repeat(32)));
    const r = await local.run(["token", "verify", hs, "--public-key", "/nonexistent.pem"], { env: DEAD });
    expect(r.code).toBe(5);
    expect(r.stderr.split("\n")[0]).toBe('error: IVS tokens are signed with ES384; this token says alg "HS256" (UnsupportedAlgorithm)');
  });

  if (!HAS_AWS_CLI) skipReason("token verify with a deleted public key", "aws (AWS CLI)");
  test.skipIf(!HAS_AWS_CLI)("a kid whose public key was deleted (was exit 4)", async () => {
    const { privateKey, publicKey } = generateKeyPairSync("ec", { namedCurve: "secp384r1" });
    const env = awsCliEnv();
    const imp = await exec(["aws", "ivs-realtime", "import-public-key", "--public-key-material", publicKey.export({ type: "spki", format: "pem" }).toString(), "--endpoint-url", local.endpoint, "--output", "json"], env);
    expect(imp.code).toBe(0);
    const arn: string = JSON.parse(imp.stdout).publicKey.arn;
    const iat = Math.floor(Date.now() / 1000);
    const token = await new SignJWT({
      exp: iat + 600, iat, jti: "gone-key", resource: stageArn, topic: stageArn.split("/").pop(), version: "1.0",
      events_url: "wss://e", whip_url: "https://w", capabilities: { allow_publish: true, allow_subscribe: true },
    })
      .setProtectedHeader({ alg: "ES384", typ: "JWT", kid: arn })
      .sign(privateKey);
    expect((await local.run(["token", "verify", token])).code).toBe(0);
    expect((await exec(["aws", "ivs-realtime", "delete-public-key", "--arn", arn, "--endpoint-url", local.endpoint], env)).code).toBe(0);
    const r = await local.run(["token", "verify", token]);
    expect(r.code).toBe(5);
    expect(r.stderr).toBe(`error: the token's key ${arn} no longer exists: the token cannot verify (KeyNotFound)\n`);
  });
});
