/**
 * Key rotation in-process against the emulator: a fault at every step leaves a consistent state
 * (AWSCURRENT names an existing public key matching its private key, no orphan key) and a re-run
 * converges; concurrent rotations do not interleave; prune honours the grace period (clock injected).
 */
import { afterAll, beforeAll, beforeEach, describe, expect, test } from "bun:test";
import { createPublicKey } from "node:crypto";
import { GetPublicKeyCommand, IVSRealTimeClient, ListPublicKeysCommand } from "@aws-sdk/client-ivs-realtime";
import { DescribeSecretCommand, GetSecretValueCommand, SecretsManagerClient } from "@aws-sdk/client-secrets-manager";
import type { Context, GlobalOptions } from "../../src/cli/context.ts";
import { sdkConfig, testContext, type TestContext } from "../helpers/context.ts";
import { CliError } from "../../src/cli/errors.ts";
import { pruneKeys } from "../../src/keys/keys.ts";
import { rotateKeys, type RotateOptions } from "../../src/keys/rotate.ts";
import { startLocalServer, type LocalServer } from "../../src/local/server.ts";

let server: LocalServer;
let rt: IVSRealTimeClient;
let sm: SecretsManagerClient;
const SECRET = "ivsctl-local/participant-token-signing-key";

function context(now = Date.now(), globals: Partial<GlobalOptions> = {}): TestContext {
  return testContext(server.url, { globals: { yes: true, quiet: true, stack: "ivsctl-local", ...globals }, now: () => now });
}

const opts = (o: Partial<RotateOptions> = {}): RotateOptions => ({ graceMs: 3_600_000, overrides: {}, restartVps: false, ...o });

async function fault(f: Record<string, unknown>) {
  await fetch(`${server.url}/_ivsctl/faults`, { method: "POST", body: JSON.stringify(f) });
}
async function keyArns(): Promise<string[]> {
  return ((await rt.send(new ListPublicKeysCommand({}))).publicKeys ?? []).map((k) => k.arn!).sort();
}
async function currentDoc(): Promise<{ versionId?: string; doc?: { privateKeyPem: string; publicKeyArn: string } }> {
  const d = await sm.send(new DescribeSecretCommand({ SecretId: SECRET }));
  const versionId = Object.entries(d.VersionIdsToStages ?? {}).find(([, s]) => s.includes("AWSCURRENT"))?.[0];
  if (!versionId) return {};
  const v = await sm.send(new GetSecretValueCommand({ SecretId: SECRET }));
  return { versionId, doc: JSON.parse(v.SecretString!) };
}

/** The invariant: the current private key's public half is exactly the imported key it names. */
async function expectConsistent() {
  const { doc } = await currentDoc();
  if (!doc) return;
  const { publicKey } = await rt.send(new GetPublicKeyCommand({ arn: doc.publicKeyArn }));
  const fromPrivate = createPublicKey(doc.privateKeyPem).export({ type: "spki", format: "der" });
  expect(Buffer.compare(createPublicKey(publicKey!.publicKeyMaterial!).export({ type: "spki", format: "der" }), fromPrivate)).toBe(0);
}

async function rotate(ctx: Context, o: RotateOptions, deps: Parameters<typeof rotateKeys>[2] = {}): Promise<CliError | undefined> {
  try {
    await rotateKeys(ctx, o, deps);
    return undefined;
  } catch (e) {
    expect(e).toBeInstanceOf(CliError);
    return e as CliError;
  }
}

beforeAll(async () => {
  // Rotations back to back exceed ImportPublicKey's 3 TPS, and these clients do not retry: the rate
  // quotas are tested in emulator-rate-limits.test.ts, this file tests the rotation plan.
  server = await startLocalServer({ port: 0, statePath: ":memory:", rateLimits: false });
  const cfg = sdkConfig(server.url);
  rt = new IVSRealTimeClient(cfg);
  sm = new SecretsManagerClient(cfg);
});
afterAll(() => server?.stop());
beforeEach(() => fetch(`${server.url}/_ivsctl/faults`, { method: "DELETE" }));

describe("keys rotate", () => {
  test("first rotation: imports, stores {privateKeyPem, publicKeyArn} as AWSCURRENT", async () => {
    const ctx = context();
    await rotateKeys(ctx, opts());
    const out = JSON.parse(ctx.io.out());
    expect(out.steps.map((s: { status: string }) => s.status)).toEqual(["done", "done", "done", "done", "skipped", "skipped"]);
    expect(out.previousPublicKeyArn).toBeNull();
    expect((await currentDoc()).doc!.publicKeyArn).toBe(out.publicKeyArn);
    expect(ctx.io.out() + ctx.io.err()).not.toContain("PRIVATE KEY");
    await expectConsistent();
  });

  const failing: [string, Record<string, unknown>, number][] = [
    ["import public key", { service: "ivs-realtime", operation: "ImportPublicKey", code: "InternalServerException", status: 500, remaining: 1 }, 2],
    ["store private key", { service: "secretsmanager", operation: "PutSecretValue", code: "InternalServiceError", status: 500, remaining: 1 }, 3],
    ["record current key", { service: "secretsmanager", operation: "UpdateSecretVersionStage", code: "InternalServiceError", status: 500, remaining: 1 }, 4],
    ["retire previous key", { service: "ivs-realtime", operation: "TagResource", code: "InternalServerException", status: 500, remaining: 1 }, 5],
  ];
  for (const [name, f, step] of failing) {
    test(`a fault at "${name}" rolls back to the previous key with no orphan, and a re-run converges`, async () => {
      const before = await currentDoc();
      const keysBefore = await keyArns();
      await fault(f);
      const ctx = context();
      const err = await rotate(ctx, opts());
      expect(err?.message).toContain(`step ${step} (${name})`);
      expect(err?.message).toMatch(/rolled back|injected/);
      expect(err?.message).not.toContain("ROLLBACK INCOMPLETE");
      expect(await keyArns()).toEqual(keysBefore);
      expect((await currentDoc()).versionId).toBe(before.versionId);
      await expectConsistent();
      // Converges: the same command now succeeds.
      const again = context();
      await rotateKeys(again, opts());
      const out = JSON.parse(again.io.out());
      expect((await currentDoc()).doc!.publicKeyArn).toBe(out.publicKeyArn);
      expect(out.previousPublicKeyArn).toBe(before.doc!.publicKeyArn);
      await expectConsistent();
    });
  }

  test("a failing VP restart does not undo the rotation: the new key stays current and consistent", async () => {
    const ctx = context();
    const err = await rotate(ctx, opts(), { restartVps: async () => Promise.reject(new Error("ecs down")) });
    expect(err?.message).toContain("the new key is current, but restarting virtual participants failed");
    await expectConsistent();
  });

  test("the restart hook runs after the switch, and its count is reported", async () => {
    let seenCurrent: string | undefined;
    const ctx = context();
    await rotateKeys(ctx, opts(), { restartVps: async () => ((seenCurrent = (await currentDoc()).doc!.publicKeyArn), 3) });
    const out = JSON.parse(ctx.io.out());
    expect(seenCurrent).toBe(out.publicKeyArn);
    expect(out.virtualParticipantsRestarted).toBe(3);
  });

  test("two concurrent rotations do not interleave: the later switch is refused and rolled back", async () => {
    const keysBefore = (await keyArns()).length;
    // Rotation A stalls in PutSecretValue; rotation B runs start to finish meanwhile.
    await fault({ service: "secretsmanager", operation: "PutSecretValue", code: "Delay", status: 200, delayMs: 1500, remaining: 1 });
    const a = rotate(context(), opts());
    for (let i = 0; i < 200; i++) {
      const { faults } = (await (await fetch(`${server.url}/_ivsctl/faults`)).json()) as { faults: unknown[] };
      if (faults.length === 0) break; // A holds the delay now
      await Bun.sleep(5);
    }
    const bCtx = context();
    await rotateKeys(bCtx, opts());
    const b = JSON.parse(bCtx.io.out());
    const errA = await a;
    expect(errA?.code).toBe("ConcurrentRotation");
    expect(errA?.exitCode).toBe(5);
    expect((await currentDoc()).doc!.publicKeyArn).toBe(b.publicKeyArn);
    expect((await keyArns()).length).toBe(keysBefore + 1); // only B's key was added
    await expectConsistent();
  });

  test("--grace 0 deletes the previous key at once", async () => {
    const prev = (await currentDoc()).doc!.publicKeyArn;
    const ctx = context();
    await rotateKeys(ctx, opts({ graceMs: 0 }));
    expect(JSON.parse(ctx.io.out()).previousKey).toBe("deleted");
    expect(await keyArns()).not.toContain(prev);
  });

  test("prune deletes keys only after their grace period, never the current one", async () => {
    const t0 = Date.now();
    const prev = (await currentDoc()).doc!.publicKeyArn;
    await rotateKeys(context(t0), opts({ graceMs: 2 * 3_600_000 }));
    const current = (await currentDoc()).doc!.publicKeyArn;
    const early = context(t0 + 3_600_000);
    await pruneKeys(early, { overrides: {} });
    expect(JSON.parse(early.io.out()).deleted).not.toContain(prev);
    expect(await keyArns()).toContain(prev);
    const dry = context(t0 + 3 * 3_600_000, { dryRun: true });
    await pruneKeys(dry, { overrides: {} });
    expect(JSON.parse(dry.io.out()).wouldDelete).toContain(prev);
    expect(await keyArns()).toContain(prev);
    const late = context(t0 + 3 * 3_600_000);
    await pruneKeys(late, { overrides: {} });
    expect(JSON.parse(late.io.out()).deleted).toContain(prev);
    expect(await keyArns()).not.toContain(prev);
    expect(await keyArns()).toContain(current);
  });
});
