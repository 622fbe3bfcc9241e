/**
 * Issue 12, security 4 and 5 in-process: a --public-key-arn must be the public half of the private
 * key, and the current signing key of a known backend is not deleted without --force, even when
 * no --stack is given (the key's owner tag leads to the stack's secret).
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { generateKeyPairSync } from "node:crypto";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { GetPublicKeyCommand, ImportPublicKeyCommand, IVSRealTimeClient } from "@aws-sdk/client-ivs-realtime";
import type { GlobalOptions } from "../../src/cli/context.ts";
import { deleteKey } from "../../src/keys/keys.ts";
import { rotateKeys } from "../../src/keys/rotate.ts";
import { loadSigningKey } from "../../src/keys/signing-key.ts";
import { startLocalServer, type LocalServer } from "../../src/local/server.ts";
import { testContext, type TestContext } from "../helpers/context.ts";
import { expectCliError } from "../helpers/assert.ts";

let server: LocalServer;
let rt: IVSRealTimeClient;
const dir = mkdtempSync(join(tmpdir(), "ivsctl-hostile-keys-"));

function context(globals: Partial<GlobalOptions> = {}): TestContext {
  return testContext(server.url, { globals: { yes: true, ...globals }, env: { IVSCTL_NO_CACHE: "1" } });
}

const failure = expectCliError;

async function rotate(): Promise<{ publicKeyArn: string; previousPublicKeyArn: string | null }> {
  const ctx = context({ stack: "ivsctl-local", quiet: true });
  await rotateKeys(ctx, { graceMs: 3_600_000, overrides: {} });
  return JSON.parse(ctx.io.out());
}

const exists = (arn: string) =>
  rt.send(new GetPublicKeyCommand({ arn })).then(
    () => true,
    () => false,
  );

beforeAll(async () => {
  server = await startLocalServer({ port: 0, statePath: ":memory:", rateLimits: false });
  rt = new IVSRealTimeClient({ region: "us-east-1", endpoint: server.url, credentials: { accessKeyId: "a", secretAccessKey: "b" }, maxAttempts: 1 });
});
afterAll(() => server?.stop());

describe("keys delete: the current key of any known backend needs --force", () => {
  test("without --stack, the owner tag leads to the stack's secret: exit 5, nothing deleted", async () => {
    const { publicKeyArn } = await rotate();
    const e = await failure(deleteKey(context(), { arn: publicKeyArn, force: false, overrides: {} }));
    expect(e.exitCode).toBe(5);
    expect(e.message).toBe(`${publicKeyArn} is the current signing key of stack ivsctl-local: deleting it breaks every token`);
    expect(await exists(publicKeyArn)).toBe(true);
  });

  test("a replaced key (in its grace period) is deleted without --force", async () => {
    const { previousPublicKeyArn } = await rotate();
    expect(previousPublicKeyArn).not.toBeNull();
    await deleteKey(context(), { arn: previousPublicKeyArn!, force: false, overrides: {} });
    expect(await exists(previousPublicKeyArn!)).toBe(false);
  });

  test("a key of no stack (no owner tag) is deleted as before", async () => {
    const { publicKey } = generateKeyPairSync("ec", { namedCurve: "secp384r1" });
    const made = await rt.send(new ImportPublicKeyCommand({ publicKeyMaterial: publicKey.export({ type: "spki", format: "pem" }).toString() }));
    await deleteKey(context(), { arn: made.publicKey!.arn!, force: false, overrides: {} });
    expect(await exists(made.publicKey!.arn!)).toBe(false);
  });

  test("--force deletes the current key; --if-exists then exits 0 with deleted: false", async () => {
    const { publicKeyArn } = await rotate();
    await deleteKey(context(), { arn: publicKeyArn, force: true, overrides: {} });
    expect(await exists(publicKeyArn)).toBe(false);
    const e = await failure(deleteKey(context(), { arn: publicKeyArn, force: false, overrides: {} }));
    expect(e.exitCode).toBe(4);
    const ctx = context();
    await deleteKey(ctx, { arn: publicKeyArn, force: false, overrides: {}, ifExists: true });
    expect(JSON.parse(ctx.io.out())).toEqual({ arn: publicKeyArn, ref: publicKeyArn, deleted: false, existed: false });
  });
});

describe("--public-key-arn must match the private key", () => {
  const pair = () => {
    const { privateKey, publicKey } = generateKeyPairSync("ec", { namedCurve: "secp384r1" });
    return { privatePem: privateKey.export({ type: "pkcs8", format: "pem" }).toString(), publicPem: publicKey.export({ type: "spki", format: "pem" }).toString() };
  };

  test("another key's ARN is exit 3; the matching ARN loads", async () => {
    const mine = pair();
    const other = pair();
    const file = join(dir, "mine.pem");
    writeFileSync(file, mine.privatePem, { mode: 0o600 });
    const mineArn = (await rt.send(new ImportPublicKeyCommand({ publicKeyMaterial: mine.publicPem }))).publicKey!.arn!;
    const otherArn = (await rt.send(new ImportPublicKeyCommand({ publicKeyMaterial: other.publicPem }))).publicKey!.arn!;
    const e = await failure(loadSigningKey(context(), { privateKeyFile: file, publicKeyArn: otherArn, overrides: {} }));
    expect(e.exitCode).toBe(3);
    expect(e.message).toBe(`--public-key-arn ${otherArn} is not the public half of the private key in ${file}`);
    const key = await loadSigningKey(context(), { privateKeyFile: file, publicKeyArn: mineArn, overrides: {} });
    expect(key.publicKeyArn).toBe(mineArn);
  });

  test("with a stack, an overriding --public-key-arn is checked against the secret's private key", async () => {
    await rotate();
    const other = pair();
    const otherArn = (await rt.send(new ImportPublicKeyCommand({ publicKeyMaterial: other.publicPem }))).publicKey!.arn!;
    const e = await failure(loadSigningKey(context({ stack: "ivsctl-local" }), { publicKeyArn: otherArn, overrides: {} }));
    expect(e.exitCode).toBe(3);
  });
});

describe("a deleted current key signs no tokens", () => {
  test("after keys delete --force, loading the stack's signing key is exit 5, not tokens that join refuses", async () => {
    const { publicKeyArn } = await rotate();
    await deleteKey(context(), { arn: publicKeyArn, force: true, overrides: {} });
    const e = await failure(loadSigningKey(context({ stack: "ivsctl-local" }), { overrides: {} }));
    expect([e.exitCode, e.code]).toEqual([5, "KeyNotFound"]);
    await rotate(); // a new current key: signing works again
    expect((await loadSigningKey(context({ stack: "ivsctl-local" }), { overrides: {} })).publicKeyArn).not.toBe(publicKeyArn);
  });
});
