import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { ensureBinary, json } from "../helpers/cli.ts";
import { E2E_TARGET, startTarget, type LocalEmulator } from "../helpers/local.ts";
import { awsCliEnv, exec, HAS_AWS_CLI, skipNote, skipReason } from "../helpers/tools.ts";

let local: LocalEmulator;
beforeAll(async () => {
  ensureBinary();
  local = await startTarget(); // ivsctl local, or a real account with IVSCTL_E2E_TARGET=aws
});
afterAll(() => local?.stop());

const DEAD = { IVSCTL_LOCAL_ENDPOINT: "http://127.0.0.1:9", AWS_MAX_ATTEMPTS: "1" };
const KEY_ARN = /^arn:aws:ivs:[a-z0-9-]+:\d{12}:stream-key\/[A-Za-z0-9]{12}$/;
// Real keys: sk_<region>_<12-char key id = the ARN's id>_<30-char secret>; only the secret is masked.
const REDACTED = /^sk_[a-z0-9-]+_[A-Za-z0-9]{12}_\*\*\*\*[A-Za-z0-9]{4}$/;
const REAL_KEY = /^sk_[a-z0-9-]+_([A-Za-z0-9]{12})_[A-Za-z0-9]{30}$/;
const FULL_KEY = /sk_[a-z0-9-]+_[A-Za-z0-9]{12}_[A-Za-z0-9]{5,}/;

async function channelWithKey(name: string): Promise<{ arn: string; key: string; keyArn: string; ingestEndpoint: string }> {
  const c = json(await local.run(["channel", "create", "--name", name, "--show-secrets", "-o", "json"]));
  return { arn: c.channel.arn, key: c.streamKey.value, keyArn: c.streamKey.arn, ingestEndpoint: c.channel.ingestEndpoint };
}

describe("stream-key list / get", () => {
  test("list shows the channel's key ARN and never a value", async () => {
    const ch = await channelWithKey("sk-list");
    const r = await local.run(["stream-key", "list", "sk-list", "-o", "json"]);
    expect(r.code).toBe(0);
    expect(json(r).streamKeys).toHaveLength(1);
    expect(json(r).streamKeys[0]).toMatchObject({ arn: ch.keyArn, channelArn: ch.arn });
    const table = await local.run(["stream-key", "list", "sk-list"]);
    if (E2E_TARGET === "local") expect(table.stdout).toBe(`ID            ARN${" ".repeat(ch.keyArn.length - 3)}  TAGS\n${ch.keyArn.split("/").pop()}  ${ch.keyArn}  -\n`);
    else expect(table.stdout).toContain(`${ch.keyArn.split("/").pop()}  ${ch.keyArn}`);
  });

  test("get prints the key redacted, and the ingest URL; --show-secrets prints them whole", async () => {
    const ch = await channelWithKey("sk-get");
    for (const ref of [["sk-get"], ["sk-get", ch.keyArn.split("/").pop()!], [ch.keyArn]]) {
      const r = await local.run(["stream-key", "get", ...ref, "-o", "json"]);
      expect(r.code).toBe(0);
      const doc = json(r);
      expect(doc.streamKey.arn).toBe(ch.keyArn);
      expect(doc.streamKey.value).toMatch(REDACTED);
      expect(doc.ingestUrl).toBe(`rtmps://${ch.ingestEndpoint}/app/${doc.streamKey.value}`);
    }
    const shown = json(await local.run(["stream-key", "get", "sk-get", "--show-secrets", "-o", "json"]));
    expect(shown.streamKey.value).toBe(ch.key);
    // The key's middle part is the stream-key ARN's id, as IVS mints it.
    expect(REAL_KEY.exec(ch.key)?.[1]).toBe(ch.keyArn.split("/").pop()!);
    const redacted = json(await local.run(["stream-key", "get", "sk-get", "-o", "json"])).streamKey.value;
    expect(redacted).toBe(`${ch.key.slice(0, ch.key.lastIndexOf("_") + 1)}****${ch.key.slice(-4)}`);
    expect(shown.ingestUrl).toBe(`rtmps://${ch.ingestEndpoint}/app/${ch.key}`);
  });

  test("no output format leaks the key without --show-secrets", async () => {
    const ch = await channelWithKey("sk-leak");
    const secretPart = ch.key.slice(ch.key.lastIndexOf("_") + 1);
    for (const cmd of [["get", "sk-leak"], ["list", "sk-leak"], ["rotate", "sk-leak", "--yes"]]) {
      for (const format of ["table", "json", "text"]) {
        const r = await local.run(["stream-key", ...cmd, "-o", format]);
        expect(r.code).toBe(0);
        expect(r.stdout + r.stderr).not.toContain(secretPart);
        expect(r.stdout + r.stderr).not.toMatch(FULL_KEY);
      }
    }
  });
});

describe("stream-key create / delete / rotate", () => {
  test("create on a channel that has a key is exit 5 (IVS allows one per channel)", async () => {
    await channelWithKey("sk-one");
    const r = await local.run(["stream-key", "create", "sk-one"]);
    expect(r.code).toBe(5);
    expect(r.stderr).toMatch(/^error: channel arn:aws:ivs:\S+ already has a stream key \(IVS allows one per channel\) \(ServiceQuotaExceededException\)\nhint: replace it with `ivsctl stream-key rotate <channel>`\n$/);
  });

  test("delete asks, then deletes; create makes a new key with its ingest URL", async () => {
    const ch = await channelWithKey("sk-del");
    const refused = await local.run(["stream-key", "delete", "sk-del"]);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toBe(`error: Delete stream key ${ch.keyArn}: refusing without --yes (stdin is not a terminal)\n`);
    const del = await local.run(["stream-key", "delete", "sk-del", "--yes", "-o", "json"]);
    expect(del.code).toBe(0);
    expect(json(del)).toEqual({ arn: ch.keyArn, channelArn: ch.arn, deleted: true });
    expect(json(await local.run(["stream-key", "list", "sk-del", "-o", "json"])).streamKeys).toEqual([]);
    const none = await local.run(["stream-key", "get", "sk-del"]);
    expect(none.code).toBe(4);
    const made = await local.run(["stream-key", "create", "sk-del", "--tag", "by=test", "--show-secrets", "-o", "json"]);
    expect(made.code).toBe(0);
    const doc = json(made);
    expect(doc.streamKey.arn).toMatch(KEY_ARN);
    expect(doc.streamKey.tags).toMatchObject({ by: "test" }); // plus IVSCTL_DEFAULT_TAGS against real AWS
    expect(REAL_KEY.exec(doc.streamKey.value)?.[1]).toBe(doc.streamKey.arn.split("/").pop()!);
    expect(doc.ingestUrl).toBe(`rtmps://${ch.ingestEndpoint}/app/${doc.streamKey.value}`);
  });

  test("rotate replaces the key and prints the new ingest URL; the old key is gone", async () => {
    const ch = await channelWithKey("sk-rot");
    const dry = await local.run(["stream-key", "rotate", "sk-rot", "--dry-run", "-o", "json"]);
    expect(json(dry)).toEqual({
      dryRun: true,
      plan: [
        { operation: "DeleteStreamKey", request: { arn: ch.keyArn } },
        { operation: "CreateStreamKey", request: { channelArn: ch.arn } },
      ],
    });
    expect(json(await local.run(["stream-key", "list", "sk-rot", "-o", "json"])).streamKeys[0].arn).toBe(ch.keyArn);
    expect((await local.run(["stream-key", "rotate", "sk-rot"])).code).toBe(2);
    const r = await local.run(["stream-key", "rotate", "sk-rot", "--yes", "--show-secrets", "-o", "json"]);
    expect(r.code).toBe(0);
    const doc = json(r);
    expect(doc.deleted).toEqual([ch.keyArn]);
    expect(doc.streamKey.arn).not.toBe(ch.keyArn);
    expect(doc.streamKey.value).not.toBe(ch.key);
    expect(REAL_KEY.exec(doc.streamKey.value)?.[1]).toBe(doc.streamKey.arn.split("/").pop()!);
    expect(doc.ingestUrl).toBe(`rtmps://${ch.ingestEndpoint}/app/${doc.streamKey.value}`);
    expect((await local.run(["stream-key", "get", ch.keyArn])).code).toBe(4);
    expect(json(await local.run(["stream-key", "list", "sk-rot", "-o", "json"])).streamKeys.map((k: { arn: string }) => k.arn)).toEqual([doc.streamKey.arn]);
  });

  test("bad references are exit 2 before any call", async () => {
    const cases: [string[], string][] = [
      [["get", "bad name!"], 'error: "bad name!" is not a channel ARN, id or name\nhint: names use letters, digits, - and _ (at most 128)\n'],
      [["get", "arn:aws:ivs:us-east-1:123456789012:stream-key/AbCdEf012345", "AbCdEf012345"], "error: give either a stream-key ARN or <channel> [key], not both\n"],
      [["rotate", "arn:aws:ivs:us-east-1:123456789012:stage/AbCdEf012345"], 'error: "arn:aws:ivs:us-east-1:123456789012:stage/AbCdEf012345" is a ivs stage ARN, not a channel ARN\n'],
      [["create"], "error: missing required argument <channel>\nhint: see --help for usage\n"],
    ];
    for (const [args, stderr] of cases) {
      const r = await local.run(["stream-key", ...args], { env: DEAD });
      expect(r.stderr).toBe(stderr);
      expect(r.code).toBe(2);
    }
  });
});

if (!HAS_AWS_CLI) skipReason("stream keys via the AWS CLI", "aws (AWS CLI)");
if (E2E_TARGET === "aws") skipNote("stream keys via the AWS CLI", "it checks the emulator, and IVSCTL_E2E_TARGET=aws");
describe.skipIf(!HAS_AWS_CLI || E2E_TARGET === "aws")("the AWS CLI against the emulator", () => {
  test("create-stream-key on a channel with a key is ServiceQuotaExceededException; get-stream-key reads ivsctl's key", async () => {
    const ch = await channelWithKey("sk-cli");
    const aws = (args: string[]) => exec(["aws", "ivs", ...args, "--endpoint-url", local.endpoint, "--output", "json"], awsCliEnv());
    const again = await aws(["create-stream-key", "--channel-arn", ch.arn]);
    expect(again.code).not.toBe(0);
    expect(again.stderr).toContain("(ServiceQuotaExceededException)");
    const got = await aws(["get-stream-key", "--arn", ch.keyArn]);
    expect(got.code).toBe(0);
    expect(JSON.parse(got.stdout).streamKey).toEqual({ arn: ch.keyArn, value: ch.key, channelArn: ch.arn, tags: {} });
    const listed = await aws(["list-stream-keys", "--channel-arn", ch.arn]);
    expect(JSON.parse(listed.stdout).streamKeys).toEqual([{ arn: ch.keyArn, channelArn: ch.arn, tags: {} }]);
  });
});
