import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { ensureBinary, json } from "../helpers/cli.ts";
import { E2E_TARGET, startTarget, type LocalEmulator } from "../helpers/local.ts";

let local: LocalEmulator;

beforeAll(async () => {
  ensureBinary();
  local = await startTarget(); // ivsctl local, or a real account with IVSCTL_E2E_TARGET=aws
});
afterAll(() => local?.stop());

const CHANNEL_ARN = E2E_TARGET === "local" ? /^arn:aws:ivs:us-east-1:123456789012:channel\/[a-zA-Z0-9]{12}$/ : /^arn:aws:ivs:[a-z0-9-]+:\d{12}:channel\/[a-zA-Z0-9]{12}$/;

describe(`channel lifecycle against ${E2E_TARGET === "aws" ? "AWS" : "ivsctl local"}`, () => {
  test("create prints the channel, RTMPS ingest URL and a redacted stream key", async () => {
    const r = await local.run(["channel", "create", "--name", "life", "--tag", "team=video", "--tag", "env=ci", "-o", "json"]);
    expect(r.code).toBe(0);
    const out = json(r);
    expect(out.channel.arn).toMatch(CHANNEL_ARN);
    expect(out.channel.name).toBe("life");
    expect(out.channel.type).toBe("STANDARD");
    expect(out.channel.latencyMode).toBe("LOW");
    expect(out.channel.containerFormat).toBe("TS");
    expect(out.channel.tags).toMatchObject({ team: "video", env: "ci" });
    // sk_<region>_<key id>_<secret>: the key id (the stream-key ARN's id) stays, the secret is masked.
    expect(out.streamKey.value).toBe(`sk_${out.channel.arn.split(":")[3]}_${out.streamKey.arn.split("/").pop()}_****${out.streamKey.value.slice(-4)}`);
    expect(out.streamKey.value).toMatch(/^sk_[a-z0-9-]+_[A-Za-z0-9]{12}_\*\*\*\*[A-Za-z0-9]{4}$/);
    expect(out.channel.srt.passphrase).toBe("****");
    expect(out.ingestUrl).toBe(`rtmps://${out.channel.ingestEndpoint}/app/${out.streamKey.value}`);
    expect(r.stderr).toContain("created channel life");
  });

  test("--show-secrets prints the real stream key; without it no output holds it", async () => {
    const shown = json(await local.run(["channel", "create", "--name", "secret", "--show-secrets", "-o", "json"]));
    const key: string = shown.streamKey.value;
    expect(key).toMatch(/^sk_[a-z0-9-]+_[A-Za-z0-9]{12}_[A-Za-z0-9]{30}$/);
    for (const format of ["table", "json", "text"]) {
      const r = await local.run(["channel", "get", "secret", "-o", format]);
      expect(r.code).toBe(0);
      expect(r.stdout + r.stderr).not.toContain(key.slice(key.lastIndexOf("_") + 1));
    }
  });

  test("list, get by name, id and ARN agree", async () => {
    const created = json(await local.run(["channel", "create", "--name", "lookup", "-o", "json"]));
    const arn: string = created.channel.arn;
    const id = arn.split("/").pop()!;
    const list = json(await local.run(["channel", "list", "-o", "json"]));
    expect(list.channels.map((c: { arn: string }) => c.arn)).toContain(arn);
    for (const ref of ["lookup", id, arn]) {
      const r = await local.run(["channel", "get", ref, "-o", "json"]);
      expect(r.code).toBe(0);
      expect(json(r).channel.arn).toBe(arn);
    }
  });

  test("table output has headers and one row per channel", async () => {
    await local.run(["channel", "create", "--name", "tabular"]);
    const r = await local.run(["channel", "list", "--name-filter", "tabular"]);
    expect(r.code).toBe(0);
    const lines = r.stdout.trimEnd().split("\n");
    expect(lines[0]).toMatch(/^NAME\s+ID\s+TYPE\s+LATENCY\s+AUTHORIZED\s+RECORDING$/);
    expect(lines).toHaveLength(2);
    expect(lines[1]).toMatch(/^tabular\s+[a-zA-Z0-9]{12}\s+STANDARD\s+LOW\s+false\s+off$/);
  });

  test("text output is tab-separated without headers", async () => {
    const r = await local.run(["channel", "list", "--name-filter", "tabular", "-o", "text"]);
    expect(r.stdout.trimEnd().split("\n")).toHaveLength(1);
    expect(r.stdout.split("\t")).toHaveLength(6);
  });

  test("every CreateChannel option maps to the API field", async () => {
    const r = await local.run([
      "channel", "create", "--name", "full", "--type", "ADVANCED_HD", "--latency", "NORMAL", "--authorized", "--insecure-ingest",
      "--preset", "CONSTRAINED_BANDWIDTH_DELIVERY", "-o", "json",
    ]);
    expect(r.code).toBe(0);
    const c = json(r).channel;
    expect([c.type, c.latencyMode, c.authorized, c.insecureIngest, c.preset]).toEqual(["ADVANCED_HD", "NORMAL", true, true, "CONSTRAINED_BANDWIDTH_DELIVERY"]);
    const m = json(await local.run(["channel", "create", "--name", "multi", "--multitrack", "REQUIRE", "--max-resolution", "HD", "--container-format", "FRAGMENTED_MP4", "-o", "json"])).channel;
    expect(m.multitrackInputConfiguration).toEqual({ enabled: true, policy: "REQUIRE", maximumResolution: "HD" });
    expect(m.containerFormat).toBe("FRAGMENTED_MP4");
  });

  test("update changes only what was given, and --dry-run changes nothing", async () => {
    json(await local.run(["channel", "create", "--name", "upd", "-o", "json"]));
    const dry = await local.run(["channel", "update", "upd", "--latency", "NORMAL", "--dry-run", "-o", "json"]);
    expect(dry.code).toBe(0);
    expect(json(dry).request.latencyMode).toBe("NORMAL");
    expect(json(await local.run(["channel", "get", "upd", "-o", "json"])).channel.latencyMode).toBe("LOW");
    const r = await local.run(["channel", "update", "upd", "--latency", "NORMAL", "--authorized", "-o", "json"]);
    expect(r.code).toBe(0);
    const c = json(r).channel;
    expect([c.latencyMode, c.authorized, c.type]).toEqual(["NORMAL", true, "STANDARD"]);
  });

  test("create --dry-run prints the request and makes no channel", async () => {
    const r = await local.run(["channel", "create", "--name", "dry", "--type", "BASIC", "--dry-run", "-o", "json"]);
    expect(r.code).toBe(0);
    const { tags, ...request } = json(r).request; // tags only from IVSCTL_DEFAULT_TAGS (set against real AWS)
    expect(json(r)).toMatchObject({ dryRun: true, operation: "CreateChannel" });
    expect(request).toEqual({ name: "dry", type: "BASIC" });
    expect(tags).toEqual(E2E_TARGET === "aws" ? { "ivsctl:e2e": expect.any(String) } : undefined);
    const list = json(await local.run(["channel", "list", "--name-filter", "dry", "-o", "json"]));
    expect(list.channels).toEqual([]);
  });

  test("delete needs --yes without a terminal, then deletes; a second delete is exit 4", async () => {
    await local.run(["channel", "create", "--name", "doomed"]);
    const refused = await local.run(["channel", "delete", "doomed"]);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toMatch(/^error: Delete channel arn:aws:ivs:[^ ]+: refusing without --yes \(stdin is not a terminal\)\n$/);
    expect(refused.stdout).toBe("");
    const ok = await local.run(["channel", "delete", "doomed", "--yes", "-o", "json"]);
    expect(ok.code).toBe(0);
    expect(json(ok).deleted).toBe(true);
    const again = await local.run(["channel", "delete", "doomed", "--yes"]);
    expect(again.code).toBe(4);
    expect(again.stderr).toBe('error: no channel named or with id "doomed" (ResourceNotFoundException)\n');
  });

  test("a name shared by two channels is exit 2 listing both ARNs", async () => {
    const a = json(await local.run(["channel", "create", "--name", "twin", "-o", "json"])).channel.arn;
    const b = json(await local.run(["channel", "create", "--name", "twin", "-o", "json"])).channel.arn;
    const r = await local.run(["channel", "get", "twin"]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(a);
    expect(r.stderr).toContain(b);
  });

  test("-o json errors also go to stderr as a JSON document", async () => {
    const real: string = json(await local.run(["channel", "create", "--name", "err-doc", "-o", "json"])).channel.arn;
    const r = await local.run(["channel", "get", real.replace(/[^/]+$/, "AAAAAAAAAAAA"), "-o", "json"]);
    expect(r.code).toBe(4);
    expect(r.stdout).toBe("");
    const last = JSON.parse(r.stderr.trimEnd().split("\n").pop()!);
    expect(last.error.exitCode).toBe(4);
    expect(last.error.code).toBe("ResourceNotFoundException");
  });
});
