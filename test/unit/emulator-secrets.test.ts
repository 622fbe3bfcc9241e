/**
 * Secrets Manager in the emulator, through the real AWS CLI (dummy credentials): staging labels move
 * as the API reference says (AWSPREVIOUS follows AWSCURRENT's old version, other labels stay), and
 * ListSecretVersionIds lists versions with pagination and IncludeDeprecated.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { startLocalServer, type LocalServer } from "../../src/local/server.ts";
import { awsCliEnv, exec, HAS_AWS_CLI, skipReason } from "../helpers/tools.ts";

let server: LocalServer;
beforeAll(async () => {
  server = await startLocalServer({ port: 0, statePath: ":memory:" });
});
afterAll(() => server?.stop());

async function aws(...args: string[]): Promise<any> {
  const r = await exec(["aws", "secretsmanager", ...args, "--endpoint-url", server.url, "--output", "json"], awsCliEnv());
  if (r.code !== 0) throw new Error(`aws secretsmanager ${args.join(" ")}: ${r.stderr.trim()}`);
  return r.stdout.trim() ? JSON.parse(r.stdout) : {};
}

/** VersionId -> sorted labels, from ListSecretVersionIds (deprecated versions included). */
async function labels(secret: string): Promise<Record<string, string[]>> {
  const r = await aws("list-secret-version-ids", "--secret-id", secret, "--include-deprecated");
  return Object.fromEntries(r.Versions.map((v: { VersionId: string; VersionStages?: string[] }) => [v.VersionId, [...(v.VersionStages ?? [])].sort()]));
}

if (!HAS_AWS_CLI) skipReason("Secrets Manager through the AWS CLI", "aws (AWS CLI)");
describe.skipIf(!HAS_AWS_CLI)("Secrets Manager staging labels and ListSecretVersionIds", () => {
  test("UpdateSecretVersionStage: moving AWSCURRENT puts AWSPREVIOUS on the version it left; the older one is deprecated", async () => {
    const v1 = (await aws("create-secret", "--name", "labels/a", "--secret-string", "one")).VersionId;
    const v2 = (await aws("put-secret-value", "--secret-id", "labels/a", "--secret-string", "two", "--version-stages", "AWSPENDING")).VersionId;
    expect(await labels("labels/a")).toEqual({ [v1]: ["AWSCURRENT"], [v2]: ["AWSPENDING"] });
    await aws("update-secret-version-stage", "--secret-id", "labels/a", "--version-stage", "AWSCURRENT", "--move-to-version-id", v2, "--remove-from-version-id", v1);
    expect(await labels("labels/a")).toEqual({ [v1]: ["AWSPREVIOUS"], [v2]: ["AWSCURRENT", "AWSPENDING"] });
    const v3 = (await aws("put-secret-value", "--secret-id", "labels/a", "--secret-string", "three", "--version-stages", "AWSPENDING")).VersionId;
    await aws("update-secret-version-stage", "--secret-id", "labels/a", "--version-stage", "AWSCURRENT", "--move-to-version-id", v3, "--remove-from-version-id", v2);
    expect(await labels("labels/a")).toEqual({ [v1]: [], [v2]: ["AWSPREVIOUS"], [v3]: ["AWSCURRENT", "AWSPENDING"] });
    // DescribeSecret shows only the versions that still have a label.
    expect(Object.keys((await aws("describe-secret", "--secret-id", "labels/a")).VersionIdsToStages).sort()).toEqual([v2, v3].sort());
    // A deprecated version can still be read by its id until Secrets Manager removes it.
    expect((await aws("get-secret-value", "--secret-id", "labels/a", "--version-id", v1)).SecretString).toBe("one");
  }, 60_000);

  test("PutSecretValue: the new AWSCURRENT sends AWSPREVIOUS to the old one, which keeps its other labels", async () => {
    const v1 = (await aws("create-secret", "--name", "labels/b", "--secret-string", "one")).VersionId;
    await aws("update-secret-version-stage", "--secret-id", "labels/b", "--version-stage", "MINE", "--move-to-version-id", v1);
    const v2 = (await aws("put-secret-value", "--secret-id", "labels/b", "--secret-string", "two")).VersionId;
    expect(await labels("labels/b")).toEqual({ [v1]: ["AWSPREVIOUS", "MINE"], [v2]: ["AWSCURRENT"] });
    const v3 = (await aws("put-secret-value", "--secret-id", "labels/b", "--secret-string", "three")).VersionId;
    expect(await labels("labels/b")).toEqual({ [v1]: ["MINE"], [v2]: ["AWSPREVIOUS"], [v3]: ["AWSCURRENT"] });
  }, 60_000);

  test("ListSecretVersionIds: deprecated versions only with IncludeDeprecated; pages of MaxResults with NextToken", async () => {
    await aws("create-secret", "--name", "labels/c", "--secret-string", "0");
    for (let i = 1; i <= 4; i++) await aws("put-secret-value", "--secret-id", "labels/c", "--secret-string", String(i));
    const plain = await aws("list-secret-version-ids", "--secret-id", "labels/c");
    expect(plain.Name).toBe("labels/c");
    expect(plain.ARN).toMatch(/^arn:aws:secretsmanager:us-east-1:123456789012:secret:labels\/c-[A-Za-z0-9]{6}$/);
    expect(plain.Versions.map((v: { VersionStages: string[] }) => v.VersionStages)).toEqual([["AWSPREVIOUS"], ["AWSCURRENT"]]);
    expect(plain.Versions[0].CreatedDate).toBeNumber();
    const all = await aws("list-secret-version-ids", "--secret-id", "labels/c", "--include-deprecated");
    expect(all.Versions).toHaveLength(5);
    expect(all.NextToken).toBeUndefined();
    const pages: string[][] = [];
    let token: string | undefined;
    do {
      const page = await aws("list-secret-version-ids", "--secret-id", "labels/c", "--include-deprecated", "--max-results", "2", ...(token ? ["--next-token", token] : []));
      pages.push(page.Versions.map((v: { VersionId: string }) => v.VersionId));
      token = page.NextToken;
    } while (token);
    expect(pages.map((p) => p.length)).toEqual([2, 2, 1]);
    expect(pages.flat()).toEqual(all.Versions.map((v: { VersionId: string }) => v.VersionId));
    const missing = await exec(["aws", "secretsmanager", "list-secret-version-ids", "--secret-id", "labels/none", "--endpoint-url", server.url], awsCliEnv());
    expect(missing.stderr).toContain("(ResourceNotFoundException)");
  }, 60_000);
});
