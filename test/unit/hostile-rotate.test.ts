/**
 * Issue 12: losing a concurrent `keys rotate` is exit 5 ("another rotation won") with an honest
 * report of what was undone, never exit 2/4 or a false "ROLLBACK INCOMPLETE".
 */
import { afterAll, beforeAll, expect, test } from "bun:test";
import { createPublicKey } from "node:crypto";
import { GetPublicKeyCommand, IVSRealTimeClient, ListPublicKeysCommand } from "@aws-sdk/client-ivs-realtime";
import { DescribeSecretCommand, GetSecretValueCommand, SecretsManagerClient } from "@aws-sdk/client-secrets-manager";
import { CliError } from "../../src/cli/errors.ts";
import { rotateKeys } from "../../src/keys/rotate.ts";
import { startLocalServer, type LocalServer } from "../../src/local/server.ts";
import { sdkConfig, testContext, type TestContext } from "../helpers/context.ts";

let server: LocalServer;
let rt: IVSRealTimeClient;
let sm: SecretsManagerClient;
const SECRET = "ivsctl-local/participant-token-signing-key";

function context(): TestContext {
  return testContext(server.url, { globals: { yes: true, quiet: true, stack: "ivsctl-local" }, env: { IVSCTL_NO_CACHE: "1" } });
}

beforeAll(async () => {
  server = await startLocalServer({ port: 0, statePath: ":memory:", rateLimits: false });
  const cfg = sdkConfig(server.url);
  rt = new IVSRealTimeClient(cfg);
  sm = new SecretsManagerClient(cfg);
});
afterAll(() => server?.stop());

for (const graceMs of [3_600_000, 0]) {
  test(`4 concurrent rotations (grace ${graceMs}): one wins; every loser is exit 5 and says what it undid`, async () => {
    await rotateKeys(context(), { graceMs, overrides: {} }); // a current key to rotate from
    const before = ((await rt.send(new ListPublicKeysCommand({}))).publicKeys ?? []).map((k) => k.arn!);
    for (let round = 0; round < 5; round++) {
      const outcomes = await Promise.all(
        Array.from({ length: 4 }, async () => {
          const ctx = context();
          try {
            await rotateKeys(ctx, { graceMs, overrides: {} });
            return { ok: JSON.parse(ctx.io.out()).publicKeyArn as string };
          } catch (e) {
            expect(e).toBeInstanceOf(CliError);
            return { err: e as CliError };
          }
        }),
      );
      const winners = outcomes.filter((o) => o.ok);
      expect(winners.length).toBeGreaterThanOrEqual(1);
      for (const o of outcomes.filter((x) => x.err)) {
        expect({ code: o.err!.code, exit: o.err!.exitCode }).toEqual({ code: "ConcurrentRotation", exit: 5 });
        expect(o.err!.message).toContain("another rotation won");
        expect(o.err!.message).not.toContain("ROLLBACK INCOMPLETE");
      }
      // The current secret names an existing key that matches its private key.
      const d = await sm.send(new DescribeSecretCommand({ SecretId: SECRET }));
      const vid = Object.entries(d.VersionIdsToStages ?? {}).find(([, s]) => s.includes("AWSCURRENT"))![0];
      const doc = JSON.parse((await sm.send(new GetSecretValueCommand({ SecretId: SECRET, VersionId: vid }))).SecretString!);
      expect(winners.map((w) => w.ok)).toContain(doc.publicKeyArn);
      const { publicKey } = await rt.send(new GetPublicKeyCommand({ arn: doc.publicKeyArn }));
      const der = (pem: string) => createPublicKey(pem).export({ type: "spki", format: "der" });
      expect(Buffer.compare(der(publicKey!.publicKeyMaterial!), der(doc.privateKeyPem))).toBe(0);
      // No loser's key remains.
      const after = ((await rt.send(new ListPublicKeysCommand({}))).publicKeys ?? []).map((k) => k.arn!);
      for (const arn of after.filter((a) => !before.includes(a))) expect(winners.map((w) => w.ok)).toContain(arn);
      before.splice(0, before.length, ...after);
    }
  }, 60_000);
}
