/**
 * Issue 11 §2 and §3 ("Join checks the whole token"), in-process against the emulator:
 * CreateParticipantToken returns a real-shaped ES384 JWT signed by the emulator's own service key
 * (kept per state file), and a join checks every claim. Python (joserfc/cryptography) is a second,
 * independent signer and verifier.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { generateKeyPairSync, type KeyObject } from "node:crypto";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { CreateParticipantTokenCommand, CreateStageCommand, DeletePublicKeyCommand, ImportPublicKeyCommand, IVSRealTimeClient } from "@aws-sdk/client-ivs-realtime";
import { SignJWT } from "jose";
import { joinStage, JoinError } from "../../src/local/ivs-realtime.ts";
import { SERVICE_KEY_KIND } from "../../src/local/participant-tokens.ts";
import { startLocalServer, type LocalServer } from "../../src/local/server.ts";
import { HAS_PYTHON, skipReason } from "../helpers/tools.ts";

let server: LocalServer;
let rt: IVSRealTimeClient;
let stage: { arn: string; id: string; endpoints: { events: string; whip: string } };
let other: string;
let signing: { privateKey: KeyObject; publicPem: string; privatePem: string; arn: string };
const dir = mkdtempSync(join(tmpdir(), "ivsctl-emu-tokens-"));

const client = (url: string) => new IVSRealTimeClient({ region: "us-east-1", endpoint: url, credentials: { accessKeyId: "a", secretAccessKey: "b" } });
const b64json = (s: string) => JSON.parse(Buffer.from(s, "base64url").toString("utf8"));
const nowS = () => Math.floor(Date.now() / 1000);

beforeAll(async () => {
  server = await startLocalServer({ port: 0, statePath: ":memory:" });
  rt = client(server.url);
  const s = (await rt.send(new CreateStageCommand({ name: "tokens" }))).stage!;
  stage = { arn: s.arn!, id: s.arn!.split("/").pop()!, endpoints: { events: s.endpoints!.events!, whip: s.endpoints!.whip! } };
  other = (await rt.send(new CreateStageCommand({ name: "other" }))).stage!.arn!;
  const pair = generateKeyPairSync("ec", { namedCurve: "secp384r1" });
  const publicPem = pair.publicKey.export({ type: "spki", format: "pem" }).toString();
  const privatePem = pair.privateKey.export({ type: "pkcs8", format: "pem" }).toString();
  const arn = (await rt.send(new ImportPublicKeyCommand({ publicKeyMaterial: publicPem, name: "test" }))).publicKey!.arn!;
  signing = { privateKey: pair.privateKey, publicPem, privatePem, arn };
});
afterAll(async () => {
  await server?.stop();
  rmSync(dir, { recursive: true, force: true });
});

/** The claims of a valid self-signed token for `stage`, as the real-time user guide lists them. */
function goodClaims(extra: Record<string, unknown> = {}): Record<string, unknown> {
  const iat = nowS();
  return {
    exp: iat + 3600,
    iat,
    jti: `p-${Math.random().toString(36).slice(2, 10)}`,
    resource: stage.arn,
    topic: stage.id,
    events_url: stage.endpoints.events,
    whip_url: stage.endpoints.whip,
    capabilities: { allow_publish: true, allow_subscribe: true },
    version: "1.0",
    ...extra,
  };
}

const selfSigned = (claims: Record<string, unknown>, kid = signing.arn, key: KeyObject = signing.privateKey) =>
  new SignJWT(claims).setProtectedHeader({ alg: "ES384", typ: "JWT", kid }).sign(key);

function refusal(token: string, stageArn?: string): string {
  try {
    joinStage(server.store, stageArn, { token });
  } catch (e) {
    if (e instanceof JoinError) return e.reason;
    throw e;
  }
  return "JOINED";
}

describe("CreateParticipantToken issues real-shaped JWTs", () => {
  test("ES384, kid naming the emulator's service key, the user guide's claims, 600-800 characters", async () => {
    const t = (await rt.send(new CreateParticipantTokenCommand({ stageArn: stage.arn, userId: "bob", capabilities: ["PUBLISH"], duration: 90, attributes: { role: "host" } }))).participantToken!;
    const parts = t.token!.split(".");
    expect(parts).toHaveLength(3);
    expect(Buffer.from(parts[2]!, "base64url")).toHaveLength(96); // r||s of P-384
    expect(t.token!.length).toBeGreaterThan(550);
    expect(t.token!.length).toBeLessThan(850);
    const header = b64json(parts[0]!);
    const serviceKid = server.store.get<{ kid: string }>(SERVICE_KEY_KIND, "current")!.kid;
    expect(header).toEqual({ alg: "ES384", typ: "JWT", kid: serviceKid });
    expect(header.kid).not.toStartWith("arn:"); // not a customer public key
    const claims = b64json(parts[1]!);
    expect(claims).toEqual({
      exp: claims.iat + 90 * 60,
      iat: expect.any(Number),
      jti: t.participantId,
      resource: stage.arn,
      topic: stage.id,
      events_url: stage.endpoints.events,
      whip_url: stage.endpoints.whip,
      capabilities: { allow_publish: true, allow_subscribe: false },
      version: "1.0",
      user_id: "bob",
      attributes: { role: "host" },
    });
    expect(Date.parse(t.expirationTime!.toISOString())).toBe(claims.exp * 1000);
    expect(joinStage(server.store, stage.arn, { token: t.token! })).toMatchObject({ participantId: t.participantId, userId: "bob", tokenKind: "api", state: "CONNECTED" });
  });

  test("a forged API token (claims changed, service signature kept) is refused", async () => {
    const t = (await rt.send(new CreateParticipantTokenCommand({ stageArn: stage.arn }))).participantToken!;
    const [h, p, s] = t.token!.split(".");
    const forged = Buffer.from(JSON.stringify({ ...b64json(p!), resource: other, topic: other.split("/").pop() })).toString("base64url");
    expect(refusal(`${h}.${forged}.${s}`)).toBe("BAD_SIGNATURE");
  });

  test("the service key is made once per state file: a second emulator on the same file accepts the first one's tokens", async () => {
    const statePath = join(dir, "state.db");
    const a = await startLocalServer({ port: 0, statePath });
    const ca = client(a.url);
    const arn = (await ca.send(new CreateStageCommand({ name: "persist" }))).stage!.arn!;
    const token = (await ca.send(new CreateParticipantTokenCommand({ stageArn: arn }))).participantToken!.token!;
    const kid = b64json(token.split(".")[0]!).kid;
    await a.stop();
    const b = await startLocalServer({ port: 0, statePath });
    try {
      const again = (await client(b.url).send(new CreateParticipantTokenCommand({ stageArn: arn }))).participantToken!.token!;
      expect(b64json(again.split(".")[0]!).kid).toBe(kid);
      expect(joinStage(b.store, arn, { token }).tokenKind).toBe("api");
    } finally {
      await b.stop();
    }
  });
});

describe("join checks the whole token", () => {
  test("a complete self-signed token joins", async () => {
    expect(refusal(await selfSigned(goodClaims()), stage.arn)).toBe("JOINED");
  });

  test("the token of the issue (no topic, capabilities or version; 30 days) is refused", async () => {
    const iat = nowS();
    const claims = { exp: iat + 30 * 86_400, iat, jti: "issue-11", resource: stage.arn, events_url: stage.endpoints.events, whip_url: stage.endpoints.whip };
    expect(refusal(await selfSigned(claims))).toBe("INVALID_CLAIMS");
  });

  const cases: [string, Record<string, unknown>, string][] = [
    ["no topic", { topic: undefined }, "INVALID_CLAIMS"],
    ["no capabilities", { capabilities: undefined }, "INVALID_CLAIMS"],
    ["capabilities as a list", { capabilities: ["PUBLISH"] }, "INVALID_CLAIMS"],
    ["capabilities with a string", { capabilities: { allow_publish: "yes", allow_subscribe: true } }, "INVALID_CLAIMS"],
    ["no version", { version: undefined }, "INVALID_CLAIMS"],
    ["version 2.0", { version: "2.0" }, "INVALID_CLAIMS"],
    ["version as a number", { version: 1.0 }, "INVALID_CLAIMS"],
    ["no iat", { iat: undefined }, "INVALID_CLAIMS"],
    ["iat as a string", { iat: String(nowS()) }, "INVALID_CLAIMS"],
    ["no exp", { exp: undefined }, "INVALID_CLAIMS"],
    ["exp - iat of 14 days and 1 minute", { exp: nowS() + 20_161 * 60 }, "INVALID_CLAIMS"],
    ["expiring 30 days ahead", { exp: nowS() + 30 * 86_400 }, "INVALID_CLAIMS"],
    ["expired", { iat: nowS() - 7200, exp: nowS() - 60 }, "TOKEN_EXPIRED"],
    ["no jti", { jti: undefined }, "INVALID_CLAIMS"],
    ["jti with a space", { jti: "bad id" }, "INVALID_CLAIMS"],
    ["no whip_url", { whip_url: undefined }, "INVALID_CLAIMS"],
    ["events_url as a number", { events_url: 7 }, "INVALID_CLAIMS"],
    ["resource is a channel ARN", { resource: "arn:aws:ivs:us-east-1:123456789012:channel/AbCdEfGhIjKl" }, "INVALID_CLAIMS"],
    ["user_id as a number", { user_id: 5 }, "INVALID_CLAIMS"],
    ["attributes with a number", { attributes: { a: 1 } }, "INVALID_CLAIMS"],
  ];
  for (const [name, change, reason] of cases) {
    test(`${name}: ${reason}`, async () => {
      expect(refusal(await selfSigned(goodClaims(change)))).toBe(reason);
    });
  }

  test("exactly 14 days (20,160 minutes) is the limit, and is accepted", async () => {
    const iat = nowS();
    expect(refusal(await selfSigned(goodClaims({ iat, exp: iat + 20_160 * 60 })))).toBe("JOINED");
  });

  test("resource and topic name this stage: another stage's token is STAGE_MISMATCH", async () => {
    const otherId = other.split("/").pop()!;
    const forOther = await selfSigned(goodClaims({ resource: other, topic: otherId }));
    expect(refusal(forOther, stage.arn)).toBe("STAGE_MISMATCH");
    expect(refusal(forOther, other)).toBe("JOINED");
    // topic must be the id of the stage that resource names
    expect(refusal(await selfSigned(goodClaims({ topic: otherId })))).toBe("INVALID_CLAIMS");
  });

  test("a kid whose key was deleted: UNKNOWN_KEY; alg other than ES384: MALFORMED_TOKEN", async () => {
    const pair = generateKeyPairSync("ec", { namedCurve: "secp384r1" });
    const arn = (await rt.send(new ImportPublicKeyCommand({ publicKeyMaterial: pair.publicKey.export({ type: "spki", format: "pem" }).toString() }))).publicKey!.arn!;
    const token = await selfSigned(goodClaims(), arn, pair.privateKey);
    expect(refusal(token)).toBe("JOINED");
    await rt.send(new DeletePublicKeyCommand({ arn }));
    expect(refusal(await selfSigned(goodClaims(), arn, pair.privateKey))).toBe("UNKNOWN_KEY");
    const hs = await new SignJWT(goodClaims()).setProtectedHeader({ alg: "HS256", kid: signing.arn }).sign(new TextEncoder().encode("x".repeat(32)));
    expect(refusal(hs)).toBe("MALFORMED_TOKEN");
    expect(refusal("not.a.jwt")).toBe("MALFORMED_TOKEN");
  });
});

const HAS_JOSERFC = HAS_PYTHON && Bun.spawnSync(["python3", "-c", "import joserfc, cryptography"]).exitCode === 0;
if (!HAS_JOSERFC) skipReason("tokens signed and verified by Python joserfc", "python3 with joserfc and cryptography");

describe.skipIf(!HAS_JOSERFC)("a second implementation (Python joserfc)", () => {
  const py = (script: string, ...args: string[]) => {
    const r = Bun.spawnSync(["python3", "-c", script, ...args]);
    if (r.exitCode !== 0) throw new Error(r.stderr.toString());
    return r.stdout.toString().trim();
  };
  const SIGN = `
import sys, json
from joserfc import jwt
from joserfc.jwk import ECKey
key = ECKey.import_key(open(sys.argv[1]).read())
print(jwt.encode({"alg": "ES384", "typ": "JWT", "kid": sys.argv[2]}, json.loads(sys.argv[3]), key, algorithms=["ES384"]))
`;

  test("tokens Python signs: complete ones join, a 30-day one and one without version are refused", () => {
    const keyFile = join(dir, "py-signer.pem");
    writeFileSync(keyFile, signing.privatePem, { mode: 0o600 });
    const sign = (claims: Record<string, unknown>) => py(SIGN, keyFile, signing.arn, JSON.stringify(claims));
    expect(refusal(sign(goodClaims()))).toBe("JOINED");
    expect(refusal(sign(goodClaims({ exp: nowS() + 30 * 86_400 })))).toBe("INVALID_CLAIMS");
    const { version: _v, ...noVersion } = goodClaims();
    expect(refusal(sign(noVersion))).toBe("INVALID_CLAIMS");
  });

  test("the emulator's API token is a standard ES384 JWT: joserfc verifies it with the service public key", async () => {
    const t = (await rt.send(new CreateParticipantTokenCommand({ stageArn: stage.arn, userId: "py" }))).participantToken!;
    const pubFile = join(dir, "service-public.pem");
    writeFileSync(pubFile, server.store.get<{ publicKeyPem: string }>(SERVICE_KEY_KIND, "current")!.publicKeyPem);
    const out = py(
      `
import sys, json
from joserfc import jwt
from joserfc.jwk import ECKey
tok = jwt.decode(sys.argv[2], ECKey.import_key(open(sys.argv[1]).read()), algorithms=["ES384"])
print(json.dumps({"alg": tok.header["alg"], "jti": tok.claims["jti"], "topic": tok.claims["topic"], "version": tok.claims["version"]}))
`,
      pubFile,
      t.token!,
    );
    expect(JSON.parse(out)).toEqual({ alg: "ES384", jti: t.participantId, topic: stage.id, version: "1.0" });
  });
});
