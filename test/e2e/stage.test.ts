/**
 * `ivsctl stage …` (compiled binary) against `ivsctl local`: lifecycle, endpoints, API and
 * self-signed tokens proven at join, participants/sessions/disconnect, bulk minting, bad input,
 * the AWS CLI as a second client, and Python joserfc as a second JWT implementation.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ensureBinary, json } from "../helpers/cli.ts";
import { startEmulator, type LocalEmulator, arrivalsAt, busiestWindow } from "../helpers/local.ts";
import { awsCliEnv, exec, HAS_AWS_CLI, HAS_PYTHON, skipReason } from "../helpers/tools.ts";

let local: LocalEmulator;
const dir = mkdtempSync(join(tmpdir(), "ivsctl-stage-"));
const STAGE_ARN = /^arn:aws:ivs:us-east-1:123456789012:stage\/[a-zA-Z0-9]{12}$/;

async function join_(token: string, extra: Record<string, unknown> = {}): Promise<{ status: number; body: any }> {
  const r = await fetch(`${local.endpoint}/_ivsctl/stages/join`, { method: "POST", body: JSON.stringify({ token, ...extra }) });
  return { status: r.status, body: await r.json() };
}

beforeAll(async () => {
  ensureBinary();
  local = await startEmulator();
  // A signing key for self-signed tokens (the seeded stack's secret starts empty).
  const r = await local.run(["keys", "rotate", "--stack", "ivsctl-local", "--no-restart-vps"]);
  if (r.code !== 0) throw new Error(r.stderr);
});
afterAll(() => local?.stop());

describe("stage lifecycle", () => {
  let arn: string;
  test("create prints ARN, id, endpoints and a host API token", async () => {
    const r = await local.run(["stage", "create", "--name", "life", "--tag", "team=rt", "--token-user-id", "host", "--token-capabilities", "publish", "--token-duration", "2h", "-o", "json"]);
    expect(r.code).toBe(0);
    const out = json(r);
    arn = out.stage.arn;
    expect(arn).toMatch(STAGE_ARN);
    expect(out.stage.name).toBe("life");
    expect(out.stage.tags).toEqual({ team: "rt" });
    for (const k of ["whip", "events", "rtmp", "rtmps"]) expect(out.stage.endpoints[k]).toBeString();
    expect(out.stage.endpoints.rtmps).toStartWith("rtmps://");
    // AWS's CreateStage name and shape: participantTokens, an array (issue 12).
    expect(out.participantTokens).toHaveLength(1);
    out.participantToken = out.participantTokens[0];
    expect(out.participantToken.source).toBe("api");
    expect(out.participantToken.userId).toBe("host");
    expect(out.participantToken.capabilities).toEqual(["PUBLISH"]);
    expect(out.participantToken.participantId).toMatch(/^[a-zA-Z0-9]{12}$/);
    const ttl = Date.parse(out.participantToken.expirationTime) - Date.now();
    expect(ttl).toBeGreaterThan(110 * 60_000);
    expect(ttl).toBeLessThanOrEqual(120 * 60_000);
    expect(r.stderr).toContain("created stage life");
    // The host token joins the stage.
    const j = await join_(out.participantToken.token);
    expect(j.status).toBe(200);
    expect(j.body).toMatchObject({ stageArn: arn, participantId: out.participantToken.participantId, userId: "host", tokenKind: "api", state: "CONNECTED" });
  });

  test("table view shows the endpoints and the token", async () => {
    const r = await local.run(["stage", "create", "--name", "tabular"]);
    expect(r.code).toBe(0);
    for (const label of ["ARN", "ID", "WHIP", "Events", "RTMP", "RTMPS", "Participant", "Expires", "Token"]) expect(r.stdout).toMatch(new RegExp(`^${label}\\s+\\S`, "m"));
  });

  test("--no-token creates no token; list and get by name, id and ARN agree", async () => {
    const out = json(await local.run(["stage", "create", "--name", "quiet", "--no-token", "-o", "json"]));
    expect(out.participantTokens).toEqual([]);
    const id = out.stage.arn.split("/").pop();
    const list = json(await local.run(["stage", "list", "-o", "json"]));
    expect(list.stages.map((s: { arn: string }) => s.arn)).toContain(out.stage.arn);
    for (const ref of ["quiet", id, out.stage.arn]) {
      const r = await local.run(["stage", "get", ref, "-o", "json"]);
      expect(r.code).toBe(0);
      expect(json(r).stage.endpoints).toEqual(out.stage.endpoints);
    }
  });

  test("participants, sessions and disconnect", async () => {
    const t = json(await local.run(["stage", "token", "life", "--user-id", "guest", "-o", "json"])).participantToken;
    expect((await join_(t.token)).status).toBe(200);
    const all = json(await local.run(["stage", "participants", "life", "-o", "json"]));
    expect(all.participants.map((p: any) => p.userId).sort()).toEqual(["guest", "host"]);
    const sessions = json(await local.run(["stage", "sessions", "life", "-o", "json"]));
    expect(sessions.stageSessions).toHaveLength(1);
    expect(sessions.activeSessionId).toBe(all.sessionId);
    const d = await local.run(["stage", "disconnect", "life", t.participantId, "--reason", "moderated"]);
    expect(d.code).toBe(0);
    expect(d.stderr).toContain(`disconnected ${t.participantId}`);
    const connected = json(await local.run(["stage", "participants", "life", "--state", "CONNECTED", "-o", "json"]));
    expect(connected.participants.map((p: any) => p.userId)).toEqual(["host"]);
    const gone = json(await local.run(["stage", "participants", "life", "--session", all.sessionId, "--state", "DISCONNECTED", "-o", "json"]));
    expect(gone.participants.map((p: any) => p.participantId)).toEqual([t.participantId]);
    // A disconnected participant's token is revoked.
    const again = await join_(t.token);
    expect(again.status).toBe(403);
    expect(again.body.reason).toBe("PARTICIPANT_REVOKED");
  });

  test("delete refuses without --yes off a terminal, then disconnects everyone and deletes", async () => {
    const refused = await local.run(["stage", "delete", "life"]);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain("refusing without --yes");
    expect(json(await local.run(["stage", "get", "life", "-o", "json"])).stage.arn).toBe(arn);
    const dry = json(await local.run(["stage", "delete", "life", "--dry-run", "-o", "json"]));
    expect(dry).toMatchObject({ dryRun: true, operation: "DeleteStage" });
    expect(dry.request.disconnect).toHaveLength(1);
    const r = await local.run(["stage", "delete", "life", "--yes", "-o", "json"]);
    expect(r.code).toBe(0);
    expect(json(r)).toMatchObject({ arn, deleted: true, virtualParticipantsStopped: null });
    expect(json(r).disconnectedParticipants).toHaveLength(1);
    expect(r.stderr).toContain("step 1/3: disconnected 1 participant(s)");
    expect(r.stderr).toContain("step 3/3: deleted stage");
    const after = await local.run(["stage", "get", arn]);
    expect(after.code).toBe(4);
  });

  test("delete with a stack also asks the VP backend (none running: 0 stopped)", async () => {
    json(await local.run(["stage", "create", "--name", "withvps", "--no-token", "-o", "json"]));
    const r = await local.run(["stage", "delete", "withvps", "--stack", "ivsctl-local", "--yes", "-o", "json"]);
    expect(r.code).toBe(0);
    expect(json(r).virtualParticipantsStopped).toBe(0);
  });
});

describe("self-signed tokens", () => {
  let stage: any;
  beforeAll(async () => {
    stage = json(await local.run(["stage", "create", "--name", "signed", "--no-token", "-o", "json"])).stage;
  });

  test("claims as documented, kid = the current public key, and the emulator accepts it at join", async () => {
    const keys = json(await local.run(["keys", "list", "--stack", "ivsctl-local", "-o", "json"]));
    const r = await local.run(["stage", "token", "signed", "--self-signed", "--stack", "ivsctl-local", "--user-id", "ann", "--attribute", "seat=12", "--capabilities", "subscribe", "--participant-id", "ann-1", "--duration", "30m", "-o", "json"]);
    expect(r.code).toBe(0);
    const t = json(r).participantToken;
    expect(t).toMatchObject({ participantId: "ann-1", source: "self-signed", publicKeyArn: keys.currentPublicKeyArn, capabilities: ["SUBSCRIBE"] });
    const [h, p] = t.token.split(".").slice(0, 2).map((s: string) => JSON.parse(Buffer.from(s, "base64url").toString()));
    expect(h).toEqual({ alg: "ES384", typ: "JWT", kid: keys.currentPublicKeyArn });
    expect(p).toMatchObject({
      jti: "ann-1",
      resource: stage.arn,
      topic: stage.arn.split("/").pop(),
      events_url: stage.endpoints.events,
      whip_url: stage.endpoints.whip,
      user_id: "ann",
      attributes: { seat: "12" },
      capabilities: { allow_publish: false, allow_subscribe: true },
      version: "1.0",
    });
    expect(p.exp - p.iat).toBe(1800);
    const j = await join_(t.token);
    expect(j.status).toBe(200);
    expect(j.body).toMatchObject({ participantId: "ann-1", userId: "ann", tokenKind: "self-signed", kid: keys.currentPublicKeyArn });
    // The same token for another stage, or tampered, is refused.
    const other = json(await local.run(["stage", "create", "--no-token", "-o", "json"])).stage.arn;
    expect((await join_(t.token, { stageArn: other })).body.reason).toBe("STAGE_MISMATCH");
    const parts = t.token.split(".");
    const forged = `${parts[0]}.${Buffer.from(JSON.stringify({ ...p, jti: "mallory" })).toString("base64url")}.${parts[2]}`;
    expect((await join_(forged)).body.reason).toBe("BAD_SIGNATURE");
  });

  test("--count N: N JSON lines, distinct ids, every token joins (bulk on every core)", async () => {
    const r = await local.run(["stage", "token", "signed", "--self-signed", "--stack", "ivsctl-local", "--count", "300", "--participant-id", "bot", "-o", "json"]);
    expect(r.code).toBe(0);
    // One shape with or without --count: {stageArn, participantToken} per line (issue 12).
    const lines = r.stdout.trimEnd().split("\n").map((l) => JSON.parse(l).participantToken);
    expect(lines).toHaveLength(300);
    expect(lines.map((l) => l.participantId)).toEqual(Array.from({ length: 300 }, (_, i) => `bot-${i + 1}`));
    expect(r.stderr).toMatch(/signed 300 participant token\(s\) with arn:aws:ivs:us-east-1:123456789012:public-key\/\S+ on \d+ thread/);
    for (const i of [0, 150, 299]) expect((await join_(lines[i].token)).body.participantId).toBe(`bot-${i + 1}`);
  });

  test("--count 200 API tokens with bounded concurrency: no throttling, all distinct", async () => {
    const r = await local.run(["stage", "token", "signed", "--count", "200", "-o", "json"]);
    expect(r.code).toBe(0);
    const lines = r.stdout.trimEnd().split("\n").map((l) => JSON.parse(l).participantToken);
    expect(lines).toHaveLength(200);
    expect(new Set(lines.map((l) => l.participantId)).size).toBe(200);
    expect(r.stderr).not.toContain("Throttl");
  });

  test("--count 300 API tokens through throttling: under 50 attempts in any 1 s window at the emulator, retries included; none lost", async () => {
    const since = performance.timeOrigin + performance.now();
    // The account is throttled for 3 s (someone else's burst): longer than the SDK's own retries last.
    await local.fault({ service: "ivs-realtime", operation: "CreateParticipantToken", code: "ThrottlingException", status: 429, durationMs: 3000 });
    const r = await local.run(["stage", "token", "signed", "--count", "300", "-o", "json"], { timeoutMs: 60_000 });
    await local.clearFaults();
    expect(r.stderr).toContain("created 300 participant token(s)");
    expect(r.code).toBe(0);
    const lines = r.stdout.trimEnd().split("\n").map((l) => JSON.parse(l).participantToken);
    expect(lines).toHaveLength(300);
    expect(new Set(lines.map((l) => l.participantId)).size).toBe(300);
    for (const i of [0, 299]) expect((await join_(lines[i].token)).status).toBe(200);
    const arrivals = await arrivalsAt(local.endpoint, "ivs-realtime:CreateParticipantToken", since);
    expect(arrivals.length).toBeGreaterThan(300); // the throttled attempts are there too
    expect(busiestWindow(arrivals)).toBeLessThanOrEqual(50);
  }, 60_000);

  test("from a key file: --private-key-file + --public-key-arn", async () => {
    const keyFile = join(dir, "own.pem");
    const rot = json(await local.run(["keys", "rotate", "--private-key-file", keyFile, "-o", "json"]));
    const t = json(await local.run(["stage", "token", "signed", "--self-signed", "--private-key-file", keyFile, "--public-key-arn", rot.publicKeyArn, "-o", "json"])).participantToken;
    expect((await join_(t.token)).body.kid).toBe(rot.publicKeyArn);
    const noArn = await local.run(["stage", "token", "signed", "--self-signed", "--private-key-file", keyFile]);
    expect(noArn.code).toBe(2);
    expect(noArn.stderr).toContain("--public-key-arn");
  });
});

describe("bad input: one line, exit 2, before any AWS call", () => {
  // The emulator's request log proves no call was made.
  const cases: [string, string[], string][] = [
    ["zero duration", ["--duration", "0m"], "between 1 minute and 14 days"],
    ["15-day duration", ["--duration", "15d"], "between 1 minute and 14 days"],
    ["1025 bytes of attributes", ["--attribute", `a=${"x".repeat(1024)}`], "attributes take 1025 bytes"],
    ["capability typo", ["--capabilities", "publsh"], 'unknown capability "publsh"'],
    ["participant id with a space", ["--self-signed", "--participant-id", "a b"], "--participant-id may hold only"],
    ["129-character user id", ["--user-id", "u".repeat(129)], "longer than 128"],
  ];
  for (const [name, args, message] of cases) {
    test(name, async () => {
      await fetch(`${local.endpoint}/_ivsctl/requests`, { method: "DELETE" });
      const r = await local.run(["stage", "token", "signed", ...args]);
      expect(r.code).toBe(2);
      expect(r.stdout).toBe("");
      expect(r.stderr.split("\n")[0]).toStartWith("error: ");
      expect(r.stderr).toContain(message);
      const calls = (await (await fetch(`${local.endpoint}/_ivsctl/requests`)).json()) as Record<string, number>;
      expect(Object.keys(calls).filter((k) => !k.startsWith("_"))).toEqual([]);
    });
  }

  test("an unknown stage is exit 4", async () => {
    const r = await local.run(["stage", "token", "no-such-stage"]);
    expect(r.code).toBe(4);
    expect(r.stderr).toContain('no stage named or with id "no-such-stage"');
  });
});

describe("the AWS CLI as a second client", () => {
  if (!HAS_AWS_CLI) skipReason("aws ivs-realtime against the emulator", "aws");
  test.skipIf(!HAS_AWS_CLI)("a stage ivsctl made is seen by `aws ivs-realtime`, and a token ivsctl lists joins", async () => {
    const env = awsCliEnv();
    const made = json(await local.run(["stage", "create", "--name", "interop", "--no-token", "-o", "json"])).stage;
    const got = await exec(["aws", "ivs-realtime", "get-stage", "--arn", made.arn, "--endpoint-url", local.endpoint], env);
    expect(got.code).toBe(0);
    expect(JSON.parse(got.stdout).stage.endpoints).toEqual(made.endpoints);
    const tok = await exec(["aws", "ivs-realtime", "create-participant-token", "--stage-arn", made.arn, "--user-id", "cli", "--endpoint-url", local.endpoint], env);
    expect(tok.code).toBe(0);
    const pt = JSON.parse(tok.stdout).participantToken;
    expect((await join_(pt.token)).status).toBe(200);
    const parts = json(await local.run(["stage", "participants", "interop", "-o", "json"]));
    expect(parts.participants).toMatchObject([{ participantId: pt.participantId, userId: "cli", state: "CONNECTED" }]);
    const ls = await exec(["aws", "ivs-realtime", "list-participants", "--stage-arn", made.arn, "--session-id", parts.sessionId, "--endpoint-url", local.endpoint], env);
    expect(JSON.parse(ls.stdout).participants[0].participantId).toBe(pt.participantId);
  });
});

describe("independent verification (Python joserfc)", () => {
  const has = HAS_PYTHON && Bun.spawnSync(["python3", "-c", "import joserfc, cryptography"]).exitCode === 0;
  if (!has) skipReason("self-signed participant token check with a second JWT implementation", "python3 with joserfc and cryptography");
  test.skipIf(!has)("a self-signed token verifies in joserfc against the public key IVS holds (GetPublicKey)", async () => {
    const t = json(await local.run(["stage", "token", "signed", "--self-signed", "--stack", "ivsctl-local", "--user-id", "py", "-o", "json"])).participantToken;
    const pk = await exec(["aws", "ivs-realtime", "get-public-key", "--arn", t.publicKeyArn, "--endpoint-url", local.endpoint], awsCliEnv());
    expect(pk.code).toBe(0);
    const pubFile = join(dir, "ivs-public.pem");
    writeFileSync(pubFile, JSON.parse(pk.stdout).publicKey.publicKeyMaterial);
    const script = `
import sys, json
from joserfc import jwt
from joserfc.jwk import ECKey
key = ECKey.import_key(open(sys.argv[1]).read())
tok = jwt.decode(sys.argv[2], key, algorithms=["ES384"])
print(json.dumps({"kid": tok.header["kid"], "alg": tok.header["alg"], "jti": tok.claims["jti"], "user": tok.claims["user_id"], "crv": key.as_dict()["crv"]}))
`;
    const r = await exec(["python3", "-c", script, pubFile, t.token]);
    expect(r.stderr).toBe("");
    expect(JSON.parse(r.stdout)).toEqual({ kid: t.publicKeyArn, alg: "ES384", jti: t.participantId, user: "py", crv: "P-384" });
  });
});
