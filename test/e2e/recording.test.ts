import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { ensureBinary, json } from "../helpers/cli.ts";
import { startEmulator, type LocalEmulator } from "../helpers/local.ts";
import { awsCliEnv, exec, HAS_AWS_CLI, skipReason } from "../helpers/tools.ts";

let local: LocalEmulator;
beforeAll(async () => {
  ensureBinary();
  local = await startEmulator();
});
afterAll(() => local?.stop());

const DEAD = { IVSCTL_LOCAL_ENDPOINT: "http://127.0.0.1:9", AWS_MAX_ATTEMPTS: "1" };
const ARN = /^arn:aws:ivs:us-east-1:123456789012:recording-configuration\/[A-Za-z0-9]{12}$/;

describe("recording create / list / get / delete", () => {
  test("create answers CREATING; get then shows ACTIVE", async () => {
    const r = await local.run(["recording", "create", "--bucket", "my-vods", "--name", "plain", "-o", "json"]);
    expect(r.code).toBe(0);
    const rc = json(r).recordingConfiguration;
    expect(rc.arn).toMatch(ARN);
    expect(rc.state).toBe("CREATING");
    expect(rc.destinationConfiguration).toEqual({ s3: { bucketName: "my-vods" } });
    // AWS defaults, filled by the service
    expect(rc.renditionConfiguration).toEqual({ renditionSelection: "ALL" });
    expect(rc.thumbnailConfiguration).toEqual({ recordingMode: "INTERVAL", targetIntervalSeconds: 60, storage: ["SEQUENTIAL"] });
    expect(rc.recordingReconnectWindowSeconds).toBe(0);
    const got = json(await local.run(["recording", "get", "plain", "-o", "json"])).recordingConfiguration;
    expect(got.state).toBe("ACTIVE");
  });

  test("--wait returns ACTIVE; every flag reaches the API field", async () => {
    const r = await local.run([
      "recording", "create", "--bucket", "vods.example", "--name", "full", "--renditions", "HD,SD", "--thumbnails", "10s",
      "--thumbnail-storage", "SEQUENTIAL,LATEST", "--thumbnail-resolution", "FULL_HD", "--reconnect-window", "1m", "--tag", "env=ci", "--wait", "-o", "json",
    ]);
    expect(r.code).toBe(0);
    expect(json(r).recordingConfiguration).toMatchObject({
      name: "full",
      state: "ACTIVE",
      renditionConfiguration: { renditionSelection: "CUSTOM", renditions: ["HD", "SD"] },
      thumbnailConfiguration: { recordingMode: "INTERVAL", targetIntervalSeconds: 10, resolution: "FULL_HD", storage: ["SEQUENTIAL", "LATEST"] },
      recordingReconnectWindowSeconds: 60,
      tags: { env: "ci" },
    });
    const human = await local.run(["recording", "get", "full"]);
    expect(human.stdout).toMatch(/^Thumbnails\s+every 10s at FULL_HD \(SEQUENTIAL,LATEST\)$/m);
    expect(human.stdout).toMatch(/^Renditions\s+HD,SD$/m);
  });

  test("--no-thumbnails and --renditions none", async () => {
    const rc = json(await local.run(["recording", "create", "--bucket", "my-vods", "--no-thumbnails", "--renditions", "none", "-o", "json"])).recordingConfiguration;
    expect(rc.thumbnailConfiguration).toEqual({ recordingMode: "DISABLED" });
    expect(rc.renditionConfiguration).toEqual({ renditionSelection: "NONE" });
  });

  test("CREATE_FAILED with --wait is exit 5 with the reason", async () => {
    const r = await local.run(["recording", "create", "--bucket", "vods-create-failed", "--name", "broken", "--wait"]);
    expect(r.code).toBe(5);
    expect(r.stdout).toBe("");
    expect(r.stderr).toMatch(/^error: recording configuration arn:aws:ivs:[^ ]+ is CREATE_FAILED: IVS could not use bucket "vods-create-failed" \(CreateFailed\)\nhint: the bucket must exist, be in the same region as IVS/);
    expect(json(await local.run(["recording", "get", "broken", "-o", "json"])).recordingConfiguration.state).toBe("CREATE_FAILED");
  });

  test("list: table and JSON", async () => {
    const list = json(await local.run(["recording", "list", "-o", "json"])).recordingConfigurations;
    expect(list.map((r: { name: string }) => r.name)).toContain("full");
    const t = await local.run(["recording", "list"]);
    expect(t.stdout.split("\n")[0]).toMatch(/^NAME\s+ID\s+STATE\s+BUCKET$/);
    expect(t.stdout).toMatch(/^full\s+[A-Za-z0-9]{12}\s+ACTIVE\s+vods\.example$/m);
  });

  test("delete: asks, refuses while a channel uses it (exit 5), then deletes", async () => {
    const arn = json(await local.run(["recording", "create", "--bucket", "in-use", "--name", "used", "--wait", "-o", "json"])).recordingConfiguration.arn;
    await local.run(["channel", "create", "--name", "rec-ch", "--recording-config", arn]);
    expect((await local.run(["recording", "delete", "used"])).code).toBe(2);
    const busy = await local.run(["recording", "delete", "used", "--yes"]);
    expect(busy.code).toBe(5);
    expect(busy.stderr).toContain("(ConflictException)");
    await local.run(["channel", "delete", "rec-ch", "--yes"]);
    const ok = await local.run(["recording", "delete", arn, "--yes", "-o", "json"]);
    expect(ok.code).toBe(0);
    expect(json(ok)).toEqual({ arn, deleted: true });
    expect((await local.run(["recording", "get", arn])).code).toBe(4);
  });

  test("--dry-run prints the request and creates nothing", async () => {
    const r = await local.run(["recording", "create", "--bucket", "dry-bucket", "--renditions", "HD", "--dry-run", "-o", "json"]);
    expect(json(r)).toEqual({
      dryRun: true,
      operation: "CreateRecordingConfiguration",
      request: { destinationConfiguration: { s3: { bucketName: "dry-bucket" } }, renditionConfiguration: { renditionSelection: "CUSTOM", renditions: ["HD"] } },
    });
    const list = json(await local.run(["recording", "list", "-o", "json"])).recordingConfigurations;
    expect(list.some((r: { destinationConfiguration: { s3: { bucketName: string } } }) => r.destinationConfiguration.s3.bucketName === "dry-bucket")).toBe(false);
  });
});

describe("bad input is exit 2 before any call", () => {
  const cases: [string[], string][] = [
    [["--bucket", "My_Bucket"], 'error: --bucket "My_Bucket" is not a valid S3 bucket name: it may hold only lowercase letters, digits, dots and hyphens\n'],
    [["--bucket", "ab"], 'error: --bucket "ab" is not a valid S3 bucket name: it must be 3 to 63 characters long\n'],
    [["--bucket", "10.0.0.1"], 'error: --bucket "10.0.0.1" is not a valid S3 bucket name: it must not be formatted as an IP address\n'],
    [["--bucket", "ok-bucket", "--thumbnails", "90s"], "error: --thumbnails must be a whole number of seconds from 1s to 60s (got 90s)\n"],
    [["--bucket", "ok-bucket", "--reconnect-window", "-1s"], 'error: --reconnect-window must not be negative (got "-1s")\n'],
    [["--bucket", "ok-bucket", "--renditions", "UHD"], 'error: --renditions must be all, none, or a comma list of SD, HD, FULL_HD, LOWEST_RESOLUTION (got "UHD")\n'],
    [[], "error: --bucket is required\n"],
  ];
  for (const [flags, stderr] of cases) {
    test(`recording create ${flags.join(" ") || "(no flags)"}`, async () => {
      const r = await local.run(["recording", "create", ...flags], { env: DEAD });
      expect(r.stderr).toBe(stderr);
      expect(r.code).toBe(2);
    });
  }
});

if (!HAS_AWS_CLI) skipReason("recording configurations via the AWS CLI", "aws (AWS CLI)");
describe.skipIf(!HAS_AWS_CLI)("the AWS CLI against the emulator", () => {
  test("create-recording-configuration with a bad bucket is ValidationException; a good one is read back by ivsctl", async () => {
    const aws = (args: string[]) => exec(["aws", "ivs", ...args, "--endpoint-url", local.endpoint, "--output", "json"], awsCliEnv());
    const bad = await aws(["create-recording-configuration", "--destination-configuration", "s3={bucketName=Bad..Name}"]);
    expect(bad.code).not.toBe(0);
    expect(bad.stderr).toContain("(ValidationException)");
    const good = await aws(["create-recording-configuration", "--name", "from-cli", "--destination-configuration", "s3={bucketName=cli-bucket}"]);
    expect(good.code).toBe(0);
    expect(JSON.parse(good.stdout).recordingConfiguration.state).toBe("CREATING");
    expect(json(await local.run(["recording", "get", "from-cli", "-o", "json"])).recordingConfiguration.state).toBe("ACTIVE");
  });
});
