/**
 * `ivsctl keys …` (compiled binary) against `ivsctl local`: rotation plan, grace period observed at
 * join (old-key token accepted, then refused once the key is deleted), --grace 0, rollback on an
 * injected Secrets Manager failure with no orphan key, list/import/delete/prune, no private key on
 * any output.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { generateKeyPairSync } from "node:crypto";
import { mkdtempSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ensureBinary, json, type RunResult } from "../helpers/cli.ts";
import { startEmulator, type LocalEmulator } from "../helpers/local.ts";

let local: LocalEmulator;
const dir = mkdtempSync(join(tmpdir(), "ivsctl-keys-"));
const S = ["--stack", "ivsctl-local"];

async function joinStage(token: string): Promise<{ status: number; body: any }> {
  const r = await fetch(`${local.endpoint}/_ivsctl/stages/join`, { method: "POST", body: JSON.stringify({ token }) });
  return { status: r.status, body: await r.json() };
}
const noPrivateKey = (r: RunResult) => expect(r.stdout + r.stderr).not.toMatch(/PRIVATE KEY-----\s*\n?M/);
/** `keys list` of the account, without the key of the emulator's other seeded stack (ivsctl-sample). */
const publicKeys = async () => {
  const out = json(await local.run(["keys", "list", ...S, "-o", "json"]));
  return { ...out, publicKeys: out.publicKeys.filter((k: { name: string }) => !k.name.startsWith("ivsctl-sample-")) };
};

beforeAll(async () => {
  ensureBinary();
  local = await startEmulator();
});
afterAll(() => local?.stop());

describe("keys rotate", () => {
  test("--dry-run shows the ordered plan and changes nothing", async () => {
    const r = await local.run(["keys", "rotate", ...S, "--dry-run"]);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain("Rotation plan (nothing changed):");
    for (const step of ["generate key pair", "import public key", "store private key", "record current key", "retire previous key", "restart virtual participants"]) expect(r.stdout).toContain(step);
    expect((await publicKeys()).publicKeys).toEqual([]);
  });

  let firstToken: string;
  let firstKey: string;
  test("first rotation reports every step; the key is current; no private key is printed", async () => {
    const r = await local.run(["keys", "rotate", ...S, "--grace", "1h", "-o", "json"]);
    expect(r.code).toBe(0);
    noPrivateKey(r);
    const out = json(r);
    firstKey = out.publicKeyArn;
    expect(out.publicKeyArn).toMatch(/^arn:aws:ivs:us-east-1:123456789012:public-key\/[a-zA-Z0-9]{12}$/);
    expect(out.steps.map((s: any) => [s.step, s.status])).toEqual([[1, "done"], [2, "done"], [3, "done"], [4, "done"], [5, "skipped"], [6, "done"]]);
    // -o json: the steps are in the document; stderr stays quiet unless --verbose (issue 12).
    expect(r.stderr).toBe("");
    const list = await publicKeys();
    expect(list.currentPublicKeyArn).toBe(firstKey);
    expect(list.publicKeys).toHaveLength(1);
    expect(list.publicKeys[0]).toMatchObject({ arn: firstKey, current: true, owner: "ivsctl-local" });
    expect(list.publicKeys[0].name).toMatch(/^ivsctl-local-PublicKey-\d{13}$/);
    expect(list.publicKeys[0].fingerprint).toMatch(/^([0-9a-f]{2}:){15}[0-9a-f]{2}$/);
    expect(Date.parse(list.publicKeys[0].importedAt)).toBeGreaterThan(Date.now() - 60_000);
    const stage = json(await local.run(["stage", "create", "--name", "rot", "--no-token", "-o", "json"])).stage;
    firstToken = json(await local.run(["stage", "token", stage.arn, "--self-signed", ...S, "-o", "json"])).participantToken.token;
    expect((await joinStage(firstToken)).status).toBe(200);
  });

  let secondKey: string;
  test("with a grace period, an old-key token still joins; after the old key is deleted it is refused", async () => {
    const r = await local.run(["keys", "rotate", ...S, "--grace", "2h", "-o", "json"]);
    expect(r.code).toBe(0);
    const out = json(r);
    secondKey = out.publicKeyArn;
    expect(out.previousPublicKeyArn).toBe(firstKey);
    expect(Date.parse(out.previousKey.retireAfter) - Date.now()).toBeGreaterThan(110 * 60_000);
    const list = await publicKeys();
    expect(list.currentPublicKeyArn).toBe(secondKey);
    expect(list.publicKeys.find((k: any) => k.arn === firstKey)).toMatchObject({ current: false, retireAfter: out.previousKey.retireAfter });
    // Grace period: accepted.
    expect((await joinStage(firstToken)).status).toBe(200);
    // prune keeps it (grace not over)
    const pruned = json(await local.run(["keys", "prune", ...S, "-o", "json"]));
    expect(pruned.deleted).toEqual([]);
    expect(pruned.inGracePeriod.map((k: any) => k.arn)).toEqual([firstKey]);
    // Deleting the old key ends it.
    const del = await local.run(["keys", "delete", firstKey, ...S, "--yes"]);
    expect(del.code).toBe(0);
    const refused = await joinStage(firstToken);
    expect(refused.status).toBe(403);
    expect(refused.body.reason).toBe("UNKNOWN_KEY");
  });

  test("the current key is not deleted without --force", async () => {
    const r = await local.run(["keys", "delete", secondKey, ...S, "--yes"]);
    expect(r.code).toBe(5);
    expect(r.stderr).toContain("is the current signing key of stack ivsctl-local");
  });

  test("--grace 0 deletes the previous key at once (as the sample does): its tokens stop working", async () => {
    const stage = json(await local.run(["stage", "create", "--no-token", "-o", "json"])).stage;
    const old = json(await local.run(["stage", "token", stage.arn, "--self-signed", ...S, "-o", "json"])).participantToken.token;
    const r = await local.run(["keys", "rotate", ...S, "--grace", "0s", "--no-restart-vps", "-o", "json"]);
    expect(r.code).toBe(0);
    expect(json(r)).toMatchObject({ previousPublicKeyArn: secondKey, previousKey: "deleted", virtualParticipantsRestarted: null });
    expect((await joinStage(old)).body.reason).toBe("UNKNOWN_KEY");
    const fresh = json(await local.run(["stage", "token", stage.arn, "--self-signed", ...S, "-o", "json"])).participantToken.token;
    expect((await joinStage(fresh)).status).toBe(200);
  });

  test("PutSecretValue failing: rolled back, no orphan public key, the previous key stays current; re-run converges", async () => {
    const before = await publicKeys();
    await local.fault({ service: "secretsmanager", operation: "PutSecretValue", code: "InternalServiceError", status: 500, remaining: 10 });
    const r = await local.run(["keys", "rotate", ...S]);
    await local.clearFaults();
    expect(r.code).not.toBe(0);
    noPrivateKey(r);
    expect(r.stderr).toContain("step 3/6 store private key: failed");
    expect(r.stderr).toContain("rollback: delete imported public key");
    expect(r.stderr).toContain("error: keys rotate: step 3 (store private key)");
    expect(r.stderr).toContain("rolled back: the previous key is still current and no new key remains");
    const after = await publicKeys();
    expect(after.publicKeys.map((k: any) => k.arn)).toEqual(before.publicKeys.map((k: any) => k.arn));
    expect(after.currentPublicKeyArn).toBe(before.currentPublicKeyArn);
    const again = await local.run(["keys", "rotate", ...S, "-o", "json"]);
    expect(again.code).toBe(0);
    expect(json(again).previousPublicKeyArn).toBe(before.currentPublicKeyArn);
  });

  test("without a stack: --private-key-file is written with mode 0600 and never overwritten", async () => {
    const file = join(dir, "signing.pem");
    const r = await local.run(["keys", "rotate", "--private-key-file", file, "-o", "json"]);
    expect(r.code).toBe(0);
    noPrivateKey(r);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    const again = await local.run(["keys", "rotate", "--private-key-file", file]);
    expect(again.code).toBe(2);
    expect(again.stderr).toContain("already exists");
    const neither = await local.run(["keys", "rotate"]);
    expect(neither.code).toBe(2);
  });

  test("without a stack, a second rotation never deletes the first key (it may still sign tokens)", async () => {
    const first = json(await local.run(["keys", "rotate", "--private-key-file", join(dir, "a.pem"), "-o", "json"]));
    const firstArn: string = first.publicKeyArn ?? first.steps?.[1]?.detail?.split(" ")[0];
    const second = await local.run(["keys", "rotate", "--private-key-file", join(dir, "b.pem"), "-o", "json"], { env: { IVSCTL_KEY_ORPHAN_AGE: "0s" } });
    expect(second.code).toBe(0);
    const arns = json(await local.run(["keys", "list", "-o", "json"])).publicKeys.map((k: { arn: string }) => k.arn);
    expect(arns).toContain(firstArn);
  });
});

describe("keys import / delete", () => {
  test("import a P-384 public key; a P-256 key is refused before any call", async () => {
    const { publicKey } = generateKeyPairSync("ec", { namedCurve: "secp384r1" });
    const pub = join(dir, "mine.pem");
    writeFileSync(pub, publicKey.export({ type: "spki", format: "pem" }).toString());
    const r = await local.run(["keys", "import", pub, "--name", "mine", "-o", "json"]);
    expect(r.code).toBe(0);
    const arn = json(r).publicKey.arn;
    expect(json(r).publicKey.fingerprint).toMatch(/^([0-9a-f]{2}:){15}[0-9a-f]{2}$/);
    const p256 = join(dir, "p256.pem");
    writeFileSync(p256, generateKeyPairSync("ec", { namedCurve: "prime256v1" }).publicKey.export({ type: "spki", format: "pem" }).toString());
    const bad = await local.run(["keys", "import", p256]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain("not P-384");
    const refused = await local.run(["keys", "delete", arn]);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain("refusing without --yes");
    expect((await local.run(["keys", "delete", arn, "--yes"])).code).toBe(0);
    expect((await local.run(["keys", "delete", arn, "--yes"])).code).toBe(4);
    expect((await local.run(["keys", "delete", "not-an-arn", "--yes"])).code).toBe(2);
  });
});
