/**
 * Channel stacks: `--stack` alone names the channel, its stream key, its playback key secret and its
 * recording configuration, for stacks shaped like the IVS tutorials' CDK stacks (output names
 * mangled, values recognised by shape). The seeded `ivsctl-channel` stack runs in the emulator; moto
 * is a second CloudFormation holding stacks whose outputs copy the tutorials' names exactly.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import type { Subprocess } from "bun";
import { createPublicKey } from "node:crypto";
import { GetSecretValueCommand, SecretsManagerClient } from "@aws-sdk/client-secrets-manager";
import { compactVerify } from "jose";
import { BIN, baseEnv, ensureBinary, ivsctl, json } from "../helpers/cli.ts";
import { startEmulator, type LocalEmulator, runUntilOk } from "../helpers/local.ts";
import { awsCliEnv, exec, HAS_AWS_CLI, HAS_MOTO, skipReason, startMoto, which } from "../helpers/tools.ts";

const S = ["--stack", "ivsctl-channel"];
const HAS_FFMPEG = Boolean(which("ffmpeg"));
if (!HAS_FFMPEG) skipReason("channel stack: ingest and metadata while live", "ffmpeg");

let local: LocalEmulator;
let outputs: { OutputKey: string; OutputValue: string }[];
const output = (suffix: string) => outputs.find((o) => o.OutputKey === `ivsctlchanneloutput${suffix}`)!.OutputValue;

beforeAll(async () => {
  ensureBinary();
  local = await startEmulator();
  outputs = json(await local.run(["stack", "outputs", ...S, "-o", "json", "--show-secrets"])).Outputs;
});
afterAll(async () => {
  await local?.stop();
});

describe("the seeded channel stack, with --stack alone", () => {
  test("stack outputs: kind channel and why; the roles found by value, with their sources", async () => {
    const r = await local.run(["stack", "outputs", ...S, "-o", "json"]);
    expect(r.code).toBe(0);
    const out = json(r);
    expect([out.kind, out.kindReason]).toEqual(["channel", "output ivsctlchanneloutputchannelarn is a channel ARN"]);
    expect(out.Roles.channel).toEqual({ value: output("channelarn"), source: "output", from: "output ivsctlchanneloutputchannelarn" });
    expect(out.Roles.playbackSecret).toEqual({ value: output("secretmanagerarn"), source: "output", from: "output ivsctlchanneloutputsecretmanagerarn" });
    expect(out.Roles.playbackKeyPair.source).toBe("resource");
    expect(out.Roles.keySecret).toEqual({ value: null, source: "missing", from: null }); // never the playback secret
    expect(out.Roles.cluster.source).toBe("missing");
    expect(out.Roles.assignPublicIp.source).toBe("missing"); // VP defaults do not apply to a channel stack
  });

  test("the stream key an output carries is never printed, in any format, unless --show-secrets", async () => {
    const key = output("streamkey");
    expect(key).toMatch(/^sk_us-east-1_[A-Za-z0-9]{12}_[A-Za-z0-9]{30}$/);
    const secretPart = key.split("_").pop()!;
    for (const format of ["table", "json", "text"]) {
      const r = await local.run(["stack", "outputs", ...S, "-o", format]);
      expect(r.code).toBe(0);
      expect(r.stdout + r.stderr).not.toContain(key);
      expect(r.stdout + r.stderr).not.toContain(secretPart.slice(0, 26));
    }
    const shown = await local.run(["stack", "outputs", ...S, "-o", "json", "--show-secrets"]);
    expect(JSON.stringify(json(shown).Outputs)).toContain(key);
  });

  test("channel get, stream get, stream sessions: the stack's channel", async () => {
    const arn = output("channelarn");
    expect(json(await local.run(["channel", "get", ...S, "-o", "json"])).channel.arn).toBe(arn);
    expect(json(await local.run(["stream", "get", ...S, "-o", "json"])).stream).toEqual({ channelArn: arn, state: "OFFLINE" });
    const sessions = await local.run(["stream", "sessions", ...S, "-o", "json"]);
    expect(sessions.code).toBe(0);
  });

  test("a positional channel wins over --stack", async () => {
    const other = json(await local.run(["channel", "create", "--name", "not-the-stacks", "-o", "json"])).channel.arn;
    expect(json(await local.run(["channel", "get", "not-the-stacks", ...S, "-o", "json"])).channel.arn).toBe(other);
  });

  test("channel token: signed with the PEM in the stack's secret, verifiable with the stack's playback key pair", async () => {
    const r = await local.run(["channel", "token", ...S, "--ttl", "10m", "--origin", "https://example.com", "-o", "json"]);
    expect(r.code).toBe(0);
    const out = json(r);
    expect(out.channelArn).toBe(output("channelarn"));
    expect(out.claims["aws:access-control-allow-origin"]).toBe("https://example.com");
    // The public half of the PEM in the stack's secret (read with the AWS SDK, a second client) verifies it.
    const sm = new SecretsManagerClient({ region: "us-east-1", endpoint: local.endpoint, credentials: { accessKeyId: "a", secretAccessKey: "b" } });
    const pem = (await sm.send(new GetSecretValueCommand({ SecretId: output("secretmanagerarn") }))).SecretString!;
    const verified = await compactVerify(out.token, createPublicKey(pem));
    expect(verified.protectedHeader.alg).toBe("ES384");
    expect(JSON.parse(new TextDecoder().decode(verified.payload))["aws:channel-arn"]).toBe(output("channelarn"));
  });

  test("stack-managed resources: stream-key rotate, channel update and delete say so and need --force", async () => {
    const arn = output("channelarn");
    const rotate = await local.run(["stream-key", "rotate", ...S, "--yes"]);
    expect(rotate.code).toBe(5);
    expect(rotate.stderr).toBe(`error: rotating the stream key of ${arn}: stack ivsctl-channel manages it, so the change would drift the stack (StackManaged)\nhint: change it through the stack, or add --force to change it anyway\n`);
    const update = await local.run(["channel", "update", arn, "--name", "renamed", "--yes"]);
    expect(update.code).toBe(5);
    expect(update.stderr).toContain("stack ivsctl-channel manages it");
    const del = await local.run(["channel", "delete", arn, "--yes"]);
    expect(del.code).toBe(5);
    expect(json(await local.run(["channel", "get", ...S, "-o", "json"])).channel.arn).toBe(arn); // still there
  });

  test("recording get --stack: the stack's (or its channel's) recording configuration; none is exit 4", async () => {
    const r = await local.run(["recording", "get", ...S]);
    expect(r.code).toBe(4);
    expect(r.stderr).toBe(`error: channel ${output("channelarn")} of stack ivsctl-channel records nowhere (no recording configuration) (ResourceNotFoundException)\n`);
  });
});

describe("kinds keep roles apart", () => {
  test("a stack with no channel is exit 3 saying so, also through IVSCTL_STACK, never a missing-argument error", async () => {
    const expected = "error: no IVS low-latency channel found in stack ivsctl-local (kind ivsctl)\nhint: name it as the <channel> argument, or set IVSCTL_CHANNEL\n";
    for (const r of [await local.run(["channel", "get", "--stack", "ivsctl-local"]), await local.run(["metadata", "put", '{"q":1}'], { env: { IVSCTL_STACK: "ivsctl-local" } })]) {
      expect(r.code).toBe(3);
      expect(r.stderr).toBe(expected);
    }
  });

  test("channel token --stack ivsctl-local never signs with the stage key", async () => {
    const r = await local.run(["channel", "token", "--stack", "ivsctl-local"]);
    expect(r.code).toBe(3);
    expect(r.stdout).toBe("");
  });

  test("keys rotate --stack <channel stack> never takes the playback secret for a stage signing key", async () => {
    const r = await local.run(["keys", "rotate", ...S, "--dry-run"]);
    expect(r.code).toBe(3);
    expect(r.stderr).toBe("error: no Secrets Manager secret holding the participant-token signing key found in stack ivsctl-channel (kind channel)\nhint: pass --key-secret, or set IVSCTL_KEY_SECRET\n");
  });
});

describe.skipIf(!HAS_FFMPEG)("ingest and metadata with --stack alone", () => {
  let stream: Subprocess<"ignore", "pipe", "pipe"> | undefined;
  afterAll(async () => {
    stream?.kill("SIGINT");
    await stream?.exited;
  });

  test("ingest --stack goes LIVE with the key read through the API; metadata put/loop --stack deliver", async () => {
    // Rotate first (with --force): the output's key is now stale, and ingest must not use it.
    const rotated = await local.run(["stream-key", "rotate", ...S, "--force", "--yes", "-o", "json"]);
    expect(rotated.code).toBe(0);
    const live = json(await local.run(["stream-key", "get", ...S, "-o", "json", "--show-secrets"])).streamKey.value;
    expect(live).not.toBe(output("streamkey"));
    stream = Bun.spawn([BIN, "ingest", ...S, "--duration", "30s", "--resolution", "360p", "--local", "-q"], { env: baseEnv(local.env), stdin: "ignore", stdout: "pipe", stderr: "pipe" });
    const put = await runUntilOk(local, ["metadata", "put", ...S, '{"question": 1}', "-o", "json"]);
    expect(put.code).toBe(0);
    expect(json(put).channelArn).toBe(output("channelarn"));
    expect(json(await local.run(["stream", "get", ...S, "-o", "json"])).stream.state).toBe("LIVE");
    const loop = await local.run(["metadata", "loop", ...S, "--every", "300ms", "--count", "2", "-o", "json"]);
    expect(loop.code).toBe(0);
    const received = (await (await fetch(`${local.endpoint}/_ivsctl/metadata?channelArn=${encodeURIComponent(output("channelarn"))}`)).json()) as { metadata?: unknown[] } | unknown[];
    expect(JSON.stringify(received)).toContain('{\\"question\\": 1}');
  }, 40_000);
});

if (!HAS_MOTO || !HAS_AWS_CLI) skipReason("channel stacks in moto (a second CloudFormation)", HAS_MOTO ? "aws (AWS CLI)" : "moto_server");
describe.skipIf(!HAS_MOTO || !HAS_AWS_CLI)("the tutorials' stacks in moto, the channel in ivsctl local", () => {
  let moto: Awaited<ReturnType<typeof startMoto>> | undefined;
  let channelArn: string;
  let otherArn: string;
  /** ivsctl without --local: per-service endpoints, as the SDK reads them (CloudFormation in moto). */
  const run = (args: string[]) =>
    ivsctl(args, { env: { ...awsCliEnv(), AWS_REGION: "us-east-1", AWS_ENDPOINT_URL_CLOUDFORMATION: moto!.endpoint, AWS_ENDPOINT_URL_IVS: local.endpoint } });
  const aws = (args: string[]) => exec(["aws", ...args, "--endpoint-url", moto!.endpoint, "--output", "json"], awsCliEnv());
  // A template needs a resource; an SSM parameter is the smallest moto creates.
  const template = (name: string, outs: Record<string, string>) => ({
    Resources: { Placeholder: { Type: "AWS::SSM::Parameter", Properties: { Name: `/${name}/placeholder`, Type: "String", Value: "x" } } },
    Outputs: Object.fromEntries(Object.entries(outs).map(([k, v]) => [k, { Value: v }])),
  });

  beforeAll(async () => {
    moto = await startMoto();
    channelArn = json(await local.run(["channel", "create", "--name", "demo1-channel", "-o", "json"])).channel.arn;
    otherArn = json(await local.run(["channel", "create", "--name", "demo1-other", "-o", "json"])).channel.arn;
    const key = json(await local.run(["stream-key", "get", channelArn, "-o", "json", "--show-secrets"])).streamKey.value;
    const stacks: [string, Record<string, string>][] = [
      ["demo1-ivs-metadata", {
        demo1ivsmetadataoutputchannelarn: channelArn,
        demo1ivsmetadataoutputchannelingest: "abc123.global-contribute.live-video.net",
        demo1ivsmetadataoutputchannelplayback: "https://abc123.us-east-1.playback.live-video.net/api/video/v1/us-east-1.123456789012.channel.AbCdEf012345.m3u8",
        demo1ivsmetadataoutputstreamkey: key,
      }],
      ["two-channels", { firstoutputchannelarn: channelArn, secondoutputchannelarn: otherArn }],
    ];
    for (const [name, outs] of stacks) expect((await aws(["cloudformation", "create-stack", "--stack-name", name, "--template-body", JSON.stringify(template(name, outs))])).code).toBe(0);
  }, 30_000);
  afterAll(() => moto?.stop());

  test("outputs named exactly as the tutorial's resolve the same way", async () => {
    const r = await run(["stack", "outputs", "--stack", "demo1-ivs-metadata", "-o", "json"]);
    expect(r.code).toBe(0);
    const out = json(r);
    expect(out.kind).toBe("channel");
    expect(out.Roles.channel).toEqual({ value: channelArn, source: "output", from: "output demo1ivsmetadataoutputchannelarn" });
    expect(out.Roles.streamKey.source).toBe("output");
    expect(r.stdout).not.toMatch(/sk_us-east-1_[A-Za-z0-9]{12}_[A-Za-z0-9]{30}/);
    const get = await run(["channel", "get", "--stack", "demo1-ivs-metadata", "-o", "json"]);
    expect(json(get).channel.arn).toBe(channelArn);
  });

  test("two channels in one stack is exit 3, listing both, saying how to choose", async () => {
    const r = await run(["channel", "get", "--stack", "two-channels"]);
    expect(r.code).toBe(3);
    expect(r.stderr).toBe(`error: stack two-channels: channel is ambiguous: output firstoutputchannelarn=${channelArn}; output secondoutputchannelarn=${otherArn}\nhint: choose one: name it as the <channel> argument, or set IVSCTL_CHANNEL\n`);
  });
});
