/**
 * The VP-sample backend in-process against the emulator's `ivsctl-sample` stack: every client function,
 * checked against the backend's own records (GET /_ivsctl/vp-sample/<stack>/records), the IVS state,
 * and the function URLs' SigV4 check (an independent signer: Python botocore).
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { DescribeStackResourcesCommand, DescribeStacksCommand } from "@aws-sdk/client-cloudformation";
import { DescribeTasksCommand, ListTasksCommand } from "@aws-sdk/client-ecs";
import { DeleteStageCommand, DisconnectParticipantCommand, GetStageCommand, ListParticipantsCommand, ListPublicKeysCommand, ListStagesCommand, ListTagsForResourceCommand } from "@aws-sdk/client-ivs-realtime";
import { GetSecretValueCommand, PutSecretValueCommand } from "@aws-sdk/client-secrets-manager";
import { GetParameterCommand, PutParameterCommand } from "@aws-sdk/client-ssm";
import { createPrivateKey } from "node:crypto";
import { SignatureV4 } from "@smithy/signature-v4";
import { AwsClients, resolveAwsSettings } from "../../src/aws/clients.ts";
import { Sha256 } from "../../src/contract/sha256.ts";
import type { Context } from "../../src/cli/context.ts";
import { testContext } from "../helpers/context.ts";
import { CliError } from "../../src/cli/errors.ts";
import { checkInvokeUrl, FunctionUrlError, functionUrlInvoker, functionUrlRegion, invokeFunctionUrl } from "../../src/aws/function-url.ts";
import { startLocalServer, type LocalServer } from "../../src/local/server.ts";
import { detectStackKind, sampleEndpoints, sampleOutputValue } from "../../src/stack/kind.ts";
import { participantClaims, signParticipantToken } from "../../src/tokens/participant.ts";
import * as sample from "../../src/vp/sample-backend.ts";
import { awsCliEnv, exec, HAS_AWS_CLI, skipReason } from "../helpers/tools.ts";

const S = "ivsctl-sample";
let server: LocalServer;
let ctx: Context;
let b: sample.SampleBackend;
let keys: sample.SampleKeyDeps;

interface Records {
  stages: { id: string; hostParticipantId: string; stageArn: string; stageEndpoints: Record<string, string>; createdAt: string; updatedAt: string }[];
  virtualParticipants: { id: string; status: string; stageArn?: string; taskId?: string; lastUpdateSource?: string; lastError?: string; assetName?: string; running?: string }[];
}
const records = async (): Promise<Records> => (await fetch(`${server.url}/_ivsctl/vp-sample/${S}/records`)).json() as Promise<Records>;

async function until<T>(probe: () => Promise<T>, ok: (v: T) => boolean, what: string, timeoutMs = 15_000): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const v = await probe();
    if (ok(v)) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}: ${JSON.stringify(v).slice(0, 600)}`);
    await Bun.sleep(50);
  }
}
const availableCount = async () => (await records()).virtualParticipants.filter((v) => v.status === "AVAILABLE").length;
const waitPool = (n = 2) => until(availableCount, (c) => c >= n, `${n} AVAILABLE VPs`);

async function join(token: string): Promise<{ status: number; body: any }> {
  const r = await fetch(`${server.url}/_ivsctl/stages/join`, { method: "POST", body: JSON.stringify({ token }) });
  return { status: r.status, body: await r.json() };
}

async function expectCliError(p: Promise<unknown>, exitCode: number, match?: RegExp): Promise<CliError> {
  try {
    await p;
  } catch (e) {
    expect(e).toBeInstanceOf(CliError);
    expect((e as CliError).exitCode as number).toBe(exitCode);
    if (match) expect((e as CliError).message).toMatch(match);
    return e as CliError;
  }
  throw new Error("expected a CliError");
}

beforeAll(async () => {
  // The rollback checks use clients without retries: the request-rate quotas are tested apart.
  server = await startLocalServer({ port: 0, statePath: ":memory:", rateLimits: false });
  ctx = testContext(server.url, { globals: { yes: true, quiet: true, stack: S } });
  const cfn = await ctx.aws.cloudformation();
  const outputs = (await cfn.send(new DescribeStacksCommand({ StackName: S }))).Stacks![0]!.Outputs!;
  const cluster = (await cfn.send(new DescribeStackResourcesCommand({ StackName: S, LogicalResourceId: "ClusterEB0386A7" }))).StackResources![0]!.PhysicalResourceId!;
  const rt = await ctx.aws.realtime();
  b = {
    stack: S,
    endpoints: sampleEndpoints(outputs),
    invoke: functionUrlInvoker(ctx.aws),
    now: Date.now,
    clusterArn: `arn:aws:ecs:us-east-1:123456789012:cluster/${cluster}`,
    stageExists: async (arn) => rt.send(new GetStageCommand({ arn })).then(() => true, () => false),
  };
  keys = { stack: S, ssm: await ctx.aws.ssm(), secrets: await ctx.aws.secrets(), realtime: rt, now: Date.now };
});
afterAll(async () => server.stop());

describe("stack kind and outputs", () => {
  test("ivsctl-sample is a vp-sample stack, with its outputs and export names rendered on the emulator's port", async () => {
    const cfn = await ctx.aws.cloudformation();
    const outputs = (await cfn.send(new DescribeStacksCommand({ StackName: S }))).Stacks![0]!.Outputs!;
    const kind = detectStackKind(S, outputs);
    expect(kind.kind).toBe("vp-sample");
    expect(kind.publicApi).toBe(false);
    expect(kind.reason).toContain(`${S}::RotateKeyPairLambdaURL`);
    for (const key of ["RotateKeyPairLambdaURL", "ListVpsLambdaURL", "ListStagesLambdaURL", "StopVpTasksLambdaURL", "CreateIvsStageLambdaURL", "DeleteIvsStageLambdaURL", "InviteVpLambdaURL", "KickVpLambdaURL"]) {
      const o = outputs.find((x) => x.OutputKey === key)!;
      expect(o.ExportName).toBe(`${S}::${key}`);
      expect(o.OutputValue).toMatch(new RegExp(`^http://127\\.0\\.0\\.1:${server.port}/lambda-url/[a-z0-9]{32}/$`));
    }
    expect(outputs.find((x) => x.OutputKey === "APIEndpoint1793E782")!.ExportName).toBe(`${S}::apiUrl`);
    expect(sampleOutputValue(outputs, "VideoAssetsBucketName")).toMatch(/^ivsctl-sample-videoassets-[0-9a-f]{10}$/);
    const local = (await cfn.send(new DescribeStacksCommand({ StackName: "ivsctl-local" }))).Stacks![0]!.Outputs!;
    expect(detectStackKind("ivsctl-local", local).kind).toBe("ivsctl");
  });

  test("detection is on export names of this stack; PUBLIC_API stacks are recognised", () => {
    const on = (k: string, v = "x") => ({ OutputKey: k, OutputValue: v, ExportName: `S::${k}` });
    expect(detectStackKind("S", [{ OutputKey: "RotateKeyPairLambdaURL", OutputValue: "x" }, { OutputKey: "ListVpsLambdaURL", OutputValue: "y" }]).kind).toBe("ivsctl");
    expect(detectStackKind("T", [on("RotateKeyPairLambdaURL"), on("ListVpsLambdaURL")]).kind).toBe("ivsctl");
    const pub = detectStackKind("S", [on("RotateKeyPairLambdaURL"), on("ListVpsLambdaURL"), on("PublicApiUrl")]);
    expect([pub.kind, pub.publicApi]).toEqual(["vp-sample", true]);
    expect(pub.reason).toContain("public");
  });

  test("the stack's resources follow the contract: 9 subnets in three CDK groups, one SG, cluster, task definition", async () => {
    const cfn = await ctx.aws.cloudformation();
    const res = (await cfn.send(new DescribeStackResourcesCommand({ StackName: S }))).StackResources!;
    const subnets = res.filter((r) => r.ResourceType === "AWS::EC2::Subnet").map((r) => r.LogicalResourceId!);
    expect(subnets).toHaveLength(9);
    for (const g of ["public", "ingress", "egress"]) expect(subnets.filter((l) => new RegExp(`^VPC${g}Subnet[123]Subnet[0-9A-F]{8}$`).test(l))).toHaveLength(3);
    expect(res.filter((r) => r.ResourceType === "AWS::EC2::SecurityGroup").map((r) => r.LogicalResourceId)).toEqual(["SGADB53937"]);
    expect(res.find((r) => r.LogicalResourceId === "ClusterEB0386A7")!.PhysicalResourceId).toBe(`${S}-Cluster`);
    expect(res.find((r) => r.LogicalResourceId === "PrivateKey98B145B1")!.PhysicalResourceId).toContain(`:secret:${S}-PrivateKey-`);
    expect(res.find((r) => r.LogicalResourceId === "PublicKeyArn75726031")!.PhysicalResourceId).toBe(`/${S}/publicKeyArn`);
  });
});

describe("function URLs: URL checks and SigV4", () => {
  test("https anywhere, http only on loopback; region from lambda-url hosts", () => {
    expect(functionUrlRegion(checkInvokeUrl("https://abc123.lambda-url.eu-west-1.on.aws/"), "us-east-1")).toBe("eu-west-1");
    expect(functionUrlRegion(checkInvokeUrl("http://127.0.0.1:4599/lambda-url/x/"), "us-east-1")).toBe("us-east-1");
    expect(() => checkInvokeUrl("http://abc.lambda-url.us-east-1.on.aws/")).toThrow(/must be https/);
    try {
      checkInvokeUrl("http://10.0.0.1/x");
    } catch (e) {
      expect((e as CliError).exitCode).toBe(3);
    }
  });

  test("a request signed by Python botocore's SigV4Auth (service lambda) is accepted", async () => {
    const url = b.endpoints.listStages;
    const py = `
import sys, json, urllib.request
from botocore.auth import SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials
url = sys.argv[1]
req = AWSRequest(method="POST", url=url, data=b"{}", headers={"content-type": "application/json"})
SigV4Auth(Credentials("AKIDPYTHON", "test"), "lambda", "us-east-1").add_auth(req)
p = req.prepare()
r = urllib.request.Request(url, data=b"{}", headers=dict(p.headers), method="POST")
try:
    with urllib.request.urlopen(r) as res:
        print(res.status, res.read().decode())
except urllib.error.HTTPError as e:
    print(e.code, e.read().decode())
`;
    // Asynchronous: the emulator answers from this process's event loop.
    const proc = Bun.spawn(["python3", "-c", py, url], { stdout: "pipe", stderr: "pipe" });
    const [out, err] = await Promise.all([new Response(proc.stdout).text(), new Response(proc.stderr).text()]);
    await proc.exited;
    expect(err).toBe("");
    const [status, ...rest] = out.trim().split(" ");
    expect(status).toBe("200");
    expect(JSON.parse(rest.join(" "))).toHaveProperty("scannedCount");
  });

  test("unsigned, wrongly signed and wrongly scoped requests are refused with 403 (exit 3, naming the permissions)", async () => {
    const url = b.endpoints.listStages;
    const unsigned = await fetch(url, { method: "POST", body: "{}", headers: { "content-type": "application/json" } });
    expect(unsigned.status).toBe(403);
    const wrongSecret = await expectCliError(invokeFunctionUrl(url, { method: "POST", body: {} }, { credentials: { accessKeyId: "AKID", secretAccessKey: "not-test" }, region: "us-east-1" }), 3, /403/);
    expect(wrongSecret.hint).toContain("lambda:InvokeFunctionUrl");
    expect(wrongSecret.hint).toContain("lambda:InvokeFunction ");
    expect((wrongSecret as FunctionUrlError).status).toBe(403);
    await expectCliError(invokeFunctionUrl(url, { method: "POST", body: {} }, { credentials: { accessKeyId: "AKID", secretAccessKey: "test" }, region: "eu-west-1" }), 3, /region/);
    // A body changed after signing: the signature covered the body's hash.
    const tamper = (i: string, init: RequestInit) => fetch(i, { ...init, body: JSON.stringify({ id: "x" }) });
    await expectCliError(invokeFunctionUrl(url, { method: "POST", body: {} }, { credentials: { accessKeyId: "AKID", secretAccessKey: "test" }, region: "us-east-1", fetch: tamper }), 3);
    // Scoped to another service: refused, even with the right secret.
    const other = await new SignatureV4({ service: "execute-api", region: "us-east-1", credentials: { accessKeyId: "AKID", secretAccessKey: "test" }, sha256: Sha256 }).sign({
      method: "POST",
      protocol: "http:",
      hostname: "127.0.0.1",
      port: server.port,
      path: new URL(url).pathname,
      headers: { host: new URL(url).host, "content-type": "application/json" },
      body: "{}",
    });
    const refused = await fetch(url, { method: "POST", headers: other.headers as Record<string, string>, body: "{}" });
    expect(refused.status).toBe(403);
    expect(JSON.stringify(await refused.json())).toContain("lambda");
    // ...and the same call signed properly works, with any access key id.
    expect(await invokeFunctionUrl(url, { method: "POST", body: {} }, { credentials: { accessKeyId: "ANYKEY", secretAccessKey: "test" }, region: "us-east-1" })).toHaveProperty("stages");
  });
});

test("outside local mode, the invoker signs with credentials from the SDK's default chain (here: the environment)", async () => {
  const saved = { id: process.env.AWS_ACCESS_KEY_ID, secret: process.env.AWS_SECRET_ACCESS_KEY, profile: process.env.AWS_PROFILE };
  process.env.AWS_ACCESS_KEY_ID = "AKIDFROMENV";
  delete process.env.AWS_PROFILE;
  try {
    const settings = resolveAwsSettings({ region: "us-east-1", endpointUrl: server.url, local: false }, {});
    expect(settings.credentials).toBeUndefined();
    process.env.AWS_SECRET_ACCESS_KEY = "test";
    expect(await functionUrlInvoker(new AwsClients(settings))(b.endpoints.listStages, { method: "POST", body: {} })).toHaveProperty("stages");
    process.env.AWS_SECRET_ACCESS_KEY = "another-secret";
    await expectCliError(functionUrlInvoker(new AwsClients(settings))(b.endpoints.listStages, { method: "POST", body: {} }), 3, /403/);
  } finally {
    for (const [k, v] of [["AWS_ACCESS_KEY_ID", saved.id], ["AWS_SECRET_ACCESS_KEY", saved.secret], ["AWS_PROFILE", saved.profile]] as const) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
  }
});

describe("SSM", () => {
  test("PutParameter/GetParameter with Overwrite, ParameterAlreadyExists, ParameterNotFound, model validation", async () => {
    const ssm = await ctx.aws.ssm();
    const put = await ssm.send(new PutParameterCommand({ Name: "/t/p", Value: "v1", Type: "String" }));
    expect([put.Version, put.Tier]).toEqual([1, "Standard"]);
    await expect(ssm.send(new PutParameterCommand({ Name: "/t/p", Value: "v2", Type: "String" }))).rejects.toMatchObject({ name: "ParameterAlreadyExists" });
    expect((await ssm.send(new PutParameterCommand({ Name: "/t/p", Value: "v2", Overwrite: true }))).Version).toBe(2);
    const got = (await ssm.send(new GetParameterCommand({ Name: "/t/p" }))).Parameter!;
    expect([got.Value, got.Version, got.Type, got.DataType, got.ARN]).toEqual(["v2", 2, "String", "text", "arn:aws:ssm:us-east-1:123456789012:parameter/t/p"]);
    expect((await ssm.send(new GetParameterCommand({ Name: "/t/p:1" }))).Parameter!.Value).toBe("v1");
    await expect(ssm.send(new GetParameterCommand({ Name: "/t/missing" }))).rejects.toMatchObject({ name: "ParameterNotFound" });
    await expect(ssm.send(new PutParameterCommand({ Name: "/t/q", Value: "x", Type: "Text" as never }))).rejects.toMatchObject({ name: "ValidationException" });
    await expect(ssm.send(new PutParameterCommand({ Name: "/t/big", Value: "x".repeat(4097), Type: "String" }))).rejects.toMatchObject({ name: "ValidationException" });
  });

  test("the AWS CLI reads and writes parameters through the emulator", async () => {
    if (!HAS_AWS_CLI) return skipReason("aws ssm against the emulator", "the AWS CLI");
    const aws = (...args: string[]) => exec(["aws", "ssm", ...args, "--endpoint-url", server.url, "--output", "json"], awsCliEnv());
    const got = await aws("get-parameter", "--name", `/${S}/publicKeyArn`);
    expect(got.code).toBe(0);
    expect(JSON.parse(JSON.parse(got.stdout).Parameter.Value)).toHaveProperty("arn");
    const put = await aws("put-parameter", "--name", "/cli/p", "--value", "1", "--type", "String");
    expect([put.code, JSON.parse(put.stdout).Version]).toEqual([0, 1]);
    const dup = await aws("put-parameter", "--name", "/cli/p", "--value", "2", "--type", "String");
    expect(dup.code).not.toBe(0);
    expect(dup.stderr).toContain("ParameterAlreadyExists");
    const missing = await aws("get-parameter", "--name", "/cli/none");
    expect(missing.stderr).toContain("ParameterNotFound");
  }, 60_000);

  test("the sample's parameter and secret are in its formats, naming a really imported key", async () => {
    const p = JSON.parse((await keys.ssm.send(new GetParameterCommand({ Name: `/${S}/publicKeyArn` }))).Parameter!.Value!);
    expect(Object.keys(p)).toEqual(["arn"]);
    const listed = (await keys.realtime.send(new ListPublicKeysCommand({}))).publicKeys!.find((k) => k.arn === p.arn)!;
    expect(listed.name).toMatch(new RegExp(`^${S}-PublicKey-\\d{13}$`));
    const secret = (await keys.secrets.send(new GetSecretValueCommand({ SecretId: `${S}-PrivateKey` }))).SecretString!;
    expect(secret.startsWith("-----BEGIN PRIVATE KEY-----")).toBe(true);
    expect(createPrivateKey(secret).asymmetricKeyDetails?.namedCurve).toBe("secp384r1");
  });
});

describe("stages and virtual participants", () => {
  test("createStage: an IVS stage tagged {stack}, a Stages record, a host token the join accepts", async () => {
    const made = await sample.createStage(b, { userId: "host-1", attributes: { role: "host" } });
    const { stages } = await records();
    const rec = stages.find((s) => s.id === made.sampleStageId)!;
    expect(rec.stageArn).toBe(made.stage.arn);
    expect(rec.hostParticipantId).toBe(made.participantToken.participantId);
    expect(Object.keys(rec.stageEndpoints).sort()).toEqual(["events", "rtmp", "rtmps", "whip"]);
    expect(rec.createdAt).toBe(rec.updatedAt);
    expect(made.participantToken.participantId).toMatch(/^[A-Za-z0-9]{12}$/);
    const tags = await keys.realtime.send(new ListTagsForResourceCommand({ resourceArn: made.stage.arn }));
    expect(tags.tags).toEqual({ stack: S });
    const [h, p] = made.participantToken.token.split(".").slice(0, 2).map((x) => JSON.parse(Buffer.from(x, "base64url").toString()));
    const current = await sample.currentSampleKeyArn(keys);
    expect(h).toEqual({ alg: "ES384", typ: "JWT", kid: current });
    expect(Object.keys(p)).toEqual(["capabilities", "version", "topic", "resource", "jti", "whip_url", "events_url", "attributes", "user_id", "iat", "exp"]);
    expect([p.exp - p.iat, p.user_id, p.resource, p.topic, p.capabilities.allow_publish]).toEqual([604800, "host-1", made.stage.arn, made.stage.id, true]);
    const joined = await join(made.participantToken.token);
    expect(joined.status).toBe(200);
    expect(joined.body.participantId).toBe(made.participantToken.participantId);
  });

  test("invite --wait -> JOINED through the emulated container; list; kick --wait -> AVAILABLE; delete kicks then deletes", async () => {
    await waitPool();
    const made = await sample.createStage(b);
    const inv = await sample.inviteVp(b, made.stage.arn, { wait: true, timeoutMs: 20_000, pollMs: 50 });
    const vpId = inv.virtualParticipant!.id;
    expect(inv.virtualParticipant!.status).toBe("JOINED");
    let rec = (await records()).virtualParticipants.find((v) => v.id === vpId)!;
    expect([rec.status, rec.stageArn, rec.lastUpdateSource]).toEqual(["JOINED", made.stage.arn, "vp-server"]);
    // The VP really is in the stage, with the token the sample's token function signed for it.
    const stage = (await keys.realtime.send(new GetStageCommand({ arn: made.stage.arn }))).stage!;
    const ps = (await keys.realtime.send(new ListParticipantsCommand({ stageArn: made.stage.arn, sessionId: stage.activeSessionId!, filterByState: "CONNECTED" }))).participants!;
    expect(ps.map((x) => x.userId)).toEqual([vpId]);

    // Stage references: IVS id and Stages-table id map to the same record.
    const byId = await sample.listVps(b, { stage: made.stage.id });
    expect(byId.virtualParticipants.map((v) => v.id)).toEqual([vpId]);
    const byUuid = await sample.listVps(b, { stage: made.sampleStageId });
    const view = byUuid.virtualParticipants[0]!;
    expect(Object.keys(view).sort()).toEqual(["assetName", "id", "lastUpdateSource", "stageArn", "status", "taskArn", "taskId", "updatedAt"]);
    expect(view.taskArn).toBe(`arn:aws:ecs:us-east-1:123456789012:task/${S}-Cluster/${rec.taskId}`);
    const all = await sample.listVps(b);
    const times = all.virtualParticipants.map((v) => v.updatedAt!);
    expect([...times].sort().reverse()).toEqual(times);
    const listed = await sample.listStages(b);
    expect(listed.stages.find((s) => s.sampleStageId === made.sampleStageId)!.virtualParticipant).toEqual({ id: vpId, status: "JOINED" });

    // A second invite on the same stage: the sample's 404 VpAlreadyAssignedException -> exit 5.
    const again = await expectCliError(sample.inviteVp(b, made.sampleStageId), 5);
    expect([again.code, (again as FunctionUrlError).status]).toEqual(["VpAlreadyAssignedException", 404]);

    const kicked = await sample.kickVp(b, made.stage.arn, { wait: true, timeoutMs: 20_000, pollMs: 50 });
    expect([kicked.kicked, kicked.virtualParticipant!.status]).toEqual([true, "AVAILABLE"]);
    rec = (await records()).virtualParticipants.find((v) => v.id === vpId)!;
    expect([rec.status, rec.stageArn]).toEqual(["AVAILABLE", "unassigned"]);
    const after = (await keys.realtime.send(new ListParticipantsCommand({ stageArn: made.stage.arn, sessionId: stage.activeSessionId!, filterByState: "CONNECTED" }))).participants!;
    expect(after).toEqual([]);
    const none = await sample.kickVp(b, made.stage.arn);
    expect(none.kicked).toBe(false);
    expect(none.message).toContain("nothing to kick");

    // delete: kicks the re-invited VP first, then DeleteIvsStage with the host participant id.
    await sample.inviteVp(b, made.sampleStageId, { wait: true, timeoutMs: 20_000, pollMs: 50 });
    const del = await sample.deleteStage(b, made.stage.arn);
    expect(del.kickedVirtualParticipant).not.toBeNull();
    const r = await records();
    expect(r.stages.some((s) => s.id === made.sampleStageId)).toBe(false);
    expect(r.virtualParticipants.some((v) => v.stageArn === made.stage.arn)).toBe(false);
    await expect(keys.realtime.send(new GetStageCommand({ arn: made.stage.arn }))).rejects.toMatchObject({ name: "ResourceNotFoundException" });
    const gone = await expectCliError(sample.deleteStage(b, made.stage.arn), 4, /not in ivsctl-sample's Stages table/);
    expect(gone.hint).toContain("not created through this stack");
  }, 60_000);

  test("a stage only IVS lost: DeleteIvsStage answers its mislabelled 500, ivsctl reports the orphaned record (exit 5)", async () => {
    const made = await sample.createStage(b);
    await keys.realtime.send(new DeleteStageCommand({ arn: made.stage.arn }));
    const e = await expectCliError(sample.deleteStage(b, made.sampleStageId), 5, new RegExp(made.sampleStageId));
    expect(e.code).toBe("OrphanedStageRecord");
    expect(e.message).toContain("Failed to create participant token(s).");
    expect((await records()).stages.some((s) => s.id === made.sampleStageId)).toBe(true);
  });

  test("the REST API's POST /<env>/stage/token is unauthenticated, as deployed, and signs a subscribe-only guest token", async () => {
    const made = await sample.createStage(b);
    const r = await fetch(new URL("stage/token", b.endpoints.apiUrl).toString(), { method: "POST", body: JSON.stringify({ id: made.sampleStageId }) });
    expect(r.status).toBe(200);
    const body = (await r.json()) as { token: string; participantId: string };
    const claims = JSON.parse(Buffer.from(body.token.split(".")[1]!, "base64url").toString());
    expect([claims.user_id, claims.capabilities, claims.jti]).toEqual(["guest", { allow_publish: false, allow_subscribe: true }, body.participantId]);
    expect((await join(body.token)).status).toBe(200);
    const missing = await fetch(new URL("stage/token", b.endpoints.apiUrl).toString(), { method: "POST", body: JSON.stringify({ id: "nope" }) });
    expect([missing.status, ((await missing.json()) as { name: string }).name]).toEqual([404, "StageNotFoundException"]);
  });

  test("raw handler errors: wrong host participant (500 'Failed to create Stage.'), unknown stage (404), empty pool (404), a lost race (409)", async () => {
    const made = await sample.createStage(b);
    const wrong = await expectCliError(b.invoke(b.endpoints.deleteIvsStage!, { method: "POST", body: { id: made.sampleStageId, participantId: "nope" } }), 1);
    expect([(wrong as FunctionUrlError).status, ((wrong as FunctionUrlError).body as any).message]).toEqual([500, "Failed to create Stage."]);
    const unknown = await expectCliError(b.invoke(b.endpoints.inviteVp!, { method: "POST", body: { id: made.stage.arn } }), 4);
    expect((unknown as FunctionUrlError).body).toMatchObject({ name: "StageNotFoundException" });

    // Two invites for two stages at once: both may find the same AVAILABLE VP; the conditional update
    // lets one win and the other answers 409. Whether the two requests interleave is up to timing, so
    // try a few rounds until the race happens; every round must leave each VP on at most one stage.
    let lost: FunctionUrlError | undefined;
    for (let round = 0; round < 10 && !lost; round++) {
      await waitPool();
      const [s1, s2] = [await sample.createStage(b), await sample.createStage(b)];
      const results = await Promise.allSettled([sample.inviteVp(b, s1.sampleStageId), sample.inviteVp(b, s2.sampleStageId)]);
      const r = await records();
      const assigned = r.virtualParticipants.filter((v) => v.stageArn === s1.stage.arn || v.stageArn === s2.stage.arn);
      expect(new Set(assigned.map((v) => v.id)).size).toBe(assigned.length);
      expect(assigned.length).toBe(results.filter((x) => x.status === "fulfilled").length);
      lost = results.find((x): x is PromiseRejectedResult => x.status === "rejected")?.reason;
    }
    expect(lost).toBeDefined();
    expect([lost!.status, lost!.code, lost!.exitCode]).toEqual([409, "VpAlreadyAssignedException", 5]);

    // stopVps stops AVAILABLE and INVITED VPs (not JOINED ones), and right after it no VP is AVAILABLE.
    const stopped = await sample.stopVps(b);
    expect(stopped.summary.totalFound).toBeGreaterThan(0);
    expect(stopped.summary.successfulStops).toBe(stopped.summary.totalFound);
    const ids = stopped.details.map((d) => d.vpId);
    const after = await records();
    for (const id of ids) expect(["STOPPED", "STOPPING", "DEPROVISIONING"]).toContain(after.virtualParticipants.find((v) => v.id === id)?.status ?? "STOPPED");
    const third = await sample.createStage(b);
    const empty = await expectCliError(sample.inviteVp(b, third.sampleStageId), 5);
    expect(empty.code).toBe("VpNotAvailableException");
    expect(empty.hint).toContain("warm pool");
    // The pool refills itself.
    await waitPool();
  }, 60_000);

  test("the warm pool's tasks are visible through ECS; a DisconnectParticipant makes the VP's task exit and the pool refill", async () => {
    await waitPool();
    const ecs = await ctx.aws.ecs();
    const arns = (await ecs.send(new ListTasksCommand({ cluster: `${S}-Cluster`, startedBy: `${S}-ManageWarmVpPool` }))).taskArns!;
    expect(arns.length).toBeGreaterThanOrEqual(2);
    const made = await sample.createStage(b);
    const inv = await sample.inviteVp(b, made.sampleStageId, { wait: true, timeoutMs: 20_000, pollMs: 50 });
    const vp = (await records()).virtualParticipants.find((v) => v.id === inv.virtualParticipant!.id)!;
    const task = (await ecs.send(new DescribeTasksCommand({ cluster: `${S}-Cluster`, tasks: [vp.taskId!], include: ["TAGS"] }))).tasks![0]!;
    expect(task.overrides!.containerOverrides![0]).toMatchObject({ name: `${S}-VpContainer`, environment: [{ name: "VP_ID", value: vp.id }] });
    expect(task.tags).toEqual([{ key: "stack", value: S }]);
    expect(task.lastStatus).toBe("RUNNING");
    const stage = (await keys.realtime.send(new GetStageCommand({ arn: made.stage.arn }))).stage!;
    const [p] = (await keys.realtime.send(new ListParticipantsCommand({ stageArn: made.stage.arn, sessionId: stage.activeSessionId!, filterByState: "CONNECTED" }))).participants!;
    await keys.realtime.send(new DisconnectParticipantCommand({ stageArn: made.stage.arn, participantId: p!.participantId! }));
    const stoppedRec = await until(async () => (await records()).virtualParticipants.find((v) => v.id === vp.id), (v) => v?.status === "STOPPED", "the VP record to be STOPPED");
    expect(stoppedRec!.stageArn).toBe("unassigned");
    const t = (await ecs.send(new DescribeTasksCommand({ cluster: `${S}-Cluster`, tasks: [vp.taskId!] }))).tasks![0]!;
    expect([t.lastStatus, t.stopCode]).toEqual(["STOPPED", "EssentialContainerExited"]);
    await waitPool();
  }, 60_000);
});

test("a JSON document in the key secret (what issue 10 saw) breaks the sample's signing: createStage 500 leaks its IVS stage, an invited VP ends ERRORED (exit 5)", async () => {
  await waitPool();
  const made = await sample.createStage(b);
  const pem = (await keys.secrets.send(new GetSecretValueCommand({ SecretId: `${S}-PrivateKey` }))).SecretString!;
  await keys.secrets.send(new PutSecretValueCommand({ SecretId: `${S}-PrivateKey`, SecretString: JSON.stringify({ privateKeyPem: pem, publicKeyArn: "x" }) }));
  try {
    const before = (await records()).stages.length;
    const ivsStages = async () => (await keys.realtime.send(new ListStagesCommand({ maxResults: 100 }))).stages!.filter((x) => x.tags?.stack === S).length;
    const ivsBefore = await ivsStages();
    const e = await expectCliError(sample.createStage(b), 1);
    expect(await ivsStages()).toBe(ivsBefore + 1);
    expect((e as FunctionUrlError).body).toEqual({ message: "Failed to create participant token(s).", cause: { message: "secretOrPrivateKey must be an asymmetric key when using ES384" } });
    expect((await records()).stages.length).toBe(before);
    const errored = await expectCliError(sample.inviteVp(b, made.sampleStageId, { wait: true, timeoutMs: 20_000, pollMs: 50 }), 5, /ERRORED/);
    expect(errored.code).toBe("VpErrored");
    const vp = (await records()).virtualParticipants.find((v) => v.stageArn === made.stage.arn)!;
    expect(vp.status).toBe("ERRORED");
  } finally {
    await keys.secrets.send(new PutSecretValueCommand({ SecretId: `${S}-PrivateKey`, SecretString: pem }));
  }
  await sample.deleteStage(b, made.sampleStageId);
}, 60_000);

test("--wait gives up with exit 6 naming the last status when the VP is slow (containers held); it joins once they resume", async () => {
  await waitPool();
  const made = await sample.createStage(b);
  const hold = (paused: boolean) => fetch(`${server.url}/_ivsctl/vp-sample/${S}/containers`, { method: "POST", body: JSON.stringify({ paused }) });
  expect((await hold(true)).status).toBe(200);
  try {
    const slow = await expectCliError(sample.inviteVp(b, made.sampleStageId, { wait: true, timeoutMs: 400, pollMs: 50 }), 6, /is INVITED$/);
    expect(slow.code).toBe("WaitTimeout");
  } finally {
    await hold(false);
  }
  const vps = await until(() => sample.listVps(b, { stage: made.sampleStageId }), (r) => r.virtualParticipants[0]?.status === "JOINED", "the VP to join");
  expect(vps.virtualParticipants).toHaveLength(1);
  await hold(true);
  try {
    await expectCliError(sample.kickVp(b, made.sampleStageId, { wait: true, timeoutMs: 400, pollMs: 50 }), 6, /still KICKED$/);
  } finally {
    await hold(false);
  }
  await sample.deleteStage(b, made.sampleStageId);
}, 60_000);

describe("keys", () => {
  test("RotateKeyPair (GET) answers a bare ARN, updates SSM and deletes the old key at once", async () => {
    const before = await sample.currentSampleKeyArn(keys);
    const arn = await sample.rotateKeyPairFunction(b);
    expect(arn).toMatch(/^arn:aws:ivs:us-east-1:123456789012:public-key\//);
    expect(await sample.currentSampleKeyArn(keys)).toBe(arn);
    const all = (await keys.realtime.send(new ListPublicKeysCommand({}))).publicKeys!.map((k) => k.arn);
    expect(all).toContain(arn);
    expect(all).not.toContain(before);
  });

  test("rotate with grace 0: sample formats, step report; tokens signed before are refused, the token function's new ones accepted", async () => {
    await waitPool();
    const made = await sample.createStage(b);
    const oldToken = made.participantToken.token;
    const oldArn = await sample.currentSampleKeyArn(keys);
    const res = await sample.rotateSampleKey(keys, { graceMs: 0 });
    expect(res.steps.map((s) => [s.name, s.status])).toEqual([
      ["read current key", "done"],
      ["import public key", "done"],
      ["store private key", "done"],
      ["record current key", "done"],
      ["retire previous key", "done"],
    ]);
    expect([res.previousKeyArn, res.previousKey]).toEqual([oldArn, "deleted"]);
    const p = (await keys.ssm.send(new GetParameterCommand({ Name: `/${S}/publicKeyArn` }))).Parameter!;
    expect([p.Value, p.Type, p.DataType]).toEqual([JSON.stringify({ arn: res.publicKeyArn }), "String", "text"]);
    expect((await keys.secrets.send(new GetSecretValueCommand({ SecretId: `${S}-PrivateKey` }))).SecretString!.startsWith("-----BEGIN PRIVATE KEY-----")).toBe(true);
    const listing = await sample.listSampleKeys(keys);
    expect(listing.publicKeys.filter((k) => k.current).map((k) => k.arn)).toEqual([res.publicKeyArn]);
    expect(listing.publicKeys.map((k) => k.arn)).not.toContain(oldArn);

    const refused = await join(oldToken);
    expect([refused.status, refused.body.reason]).toEqual([403, "UNKNOWN_KEY"]);
    // The sample's own code signs with the new key: a VP invite joins (its token comes from the token function).
    const inv = await sample.inviteVp(b, made.sampleStageId, { wait: true, timeoutMs: 20_000, pollMs: 50 });
    expect(inv.virtualParticipant!.status).toBe("JOINED");
    const fresh = await sample.createStage(b);
    expect((await join(fresh.participantToken.token)).status).toBe(200);
    // And so does ivsctl's self-signed token with the stack's signing key.
    const key = await sample.sampleSigningKey(keys);
    expect(key.publicKeyArn).toBe(res.publicKeyArn);
    const claims = participantClaims({ stageArn: fresh.stage.arn, endpoints: fresh.stage.endpoints, participantId: "selfsigned01", nowMs: Date.now(), token: { capabilities: ["PUBLISH", "SUBSCRIBE"], durationMinutes: 60 } as never });
    expect((await join(signParticipantToken(claims, createPrivateKey(key.privateKeyPem), key.publicKeyArn))).status).toBe(200);
    await sample.deleteStage(b, made.sampleStageId);
  }, 60_000);

  test("rotate with a grace period: a token signed before still joins; the old key is tagged for prune", async () => {
    const made = await sample.createStage(b);
    const oldArn = await sample.currentSampleKeyArn(keys);
    const res = await sample.rotateSampleKey(keys, { graceMs: 3_600_000 });
    const retireAfter = (res.previousKey as { retireAfter: string }).retireAfter;
    expect(Date.parse(retireAfter) - Date.now()).toBeGreaterThan(3_500_000);
    expect((await join(made.participantToken.token)).status).toBe(200);
    const tags = (await keys.realtime.send(new ListTagsForResourceCommand({ resourceArn: oldArn }))).tags!;
    expect(tags["ivsctl:retire-after"]).toBe(retireAfter);
    const listing = await sample.listSampleKeys(keys);
    expect(listing.publicKeys.find((k) => k.arn === oldArn)).toMatchObject({ current: false, retireAfter: tags["ivsctl:retire-after"] });
  });

  test("a failed parameter write rolls back: the secret's AWSCURRENT and the key set are as before", async () => {
    const beforeArn = await sample.currentSampleKeyArn(keys);
    const beforeSecret = (await keys.secrets.send(new GetSecretValueCommand({ SecretId: `${S}-PrivateKey` }))).VersionId;
    const beforeKeys = (await keys.realtime.send(new ListPublicKeysCommand({}))).publicKeys!.map((k) => k.arn).sort();
    await fetch(`${server.url}/_ivsctl/faults`, { method: "POST", body: JSON.stringify({ service: "ssm", operation: "PutParameter", code: "InternalServerError", status: 500, remaining: 1 }) });
    const e = await expectCliError(sample.rotateSampleKey(keys, { graceMs: 0 }), 6);
    expect(e).toBeInstanceOf(sample.SampleRotateError);
    expect((e as sample.SampleRotateError).steps.map((s) => `${s.name}:${s.status}`)).toEqual([
      "read current key:done",
      "import public key:done",
      "store private key:done",
      "record current key:failed",
      "store private key:rolled back",
      "import public key:rolled back",
    ]);
    expect(await sample.currentSampleKeyArn(keys)).toBe(beforeArn);
    expect((await keys.secrets.send(new GetSecretValueCommand({ SecretId: `${S}-PrivateKey` }))).VersionId).toBe(beforeSecret);
    expect((await keys.realtime.send(new ListPublicKeysCommand({}))).publicKeys!.map((k) => k.arn).sort()).toEqual(beforeKeys);
  });

  test("a previous key that cannot be deleted is reported as such, never as deleted; the new key stays current", async () => {
    const beforeArn = await sample.currentSampleKeyArn(keys);
    await fetch(`${server.url}/_ivsctl/faults`, { method: "POST", body: JSON.stringify({ service: "ivs-realtime", operation: "DeletePublicKey", code: "InternalServerException", status: 500, remaining: 10 }) });
    const res = await sample.rotateSampleKey(keys, { graceMs: 0 });
    await fetch(`${server.url}/_ivsctl/faults`, { method: "DELETE" });
    expect(res.previousKey).toBeNull();
    expect(res.retireFailed).toStartWith(`could not delete ${beforeArn}`);
    expect(res.steps.at(-1)!.status).toBe("failed");
    expect(await sample.currentSampleKeyArn(keys)).toBe(res.publicKeyArn);
    expect((await keys.realtime.send(new ListPublicKeysCommand({}))).publicKeys!.map((k) => k.arn)).toContain(beforeArn);
  });
});

describe("PUBLIC_API stacks", () => {
  test("operator actions go unsigned to POST <PublicApiUrl>/stage/{create,invite,kick,delete}", async () => {
    const seen: { path: string; auth: string | null; body: string }[] = [];
    const api = Bun.serve({
      port: 0,
      hostname: "127.0.0.1",
      async fetch(req) {
        const u = new URL(req.url);
        seen.push({ path: u.pathname, auth: req.headers.get("authorization"), body: await req.text() });
        if (u.pathname.endsWith("/stage/create")) return Response.json({ id: "0b6f6a53-58a4-4a8e-9c43-4f4b1a6f0a11", participantId: "AbCdEfGhIjKl", token: "e30.eyJyZXNvdXJjZSI6ImFybjphd3M6aXZzOnVzLWVhc3QtMToxMjM0NTY3ODkwMTI6c3RhZ2UvQUJDREVGMTIzNDU2In0.x" });
        return Response.json({});
      },
    });
    try {
      const pub: sample.SampleBackend = { ...b, endpoints: { ...b.endpoints, createIvsStage: undefined, deleteIvsStage: undefined, inviteVp: undefined, kickVp: undefined, publicApiUrl: `http://127.0.0.1:${api.port}/dev` } };
      const made = await sample.createStage(pub);
      expect(made.stage.arn).toBe("arn:aws:ivs:us-east-1:123456789012:stage/ABCDEF123456");
      expect(seen[0]).toEqual({ path: "/dev/stage/create", auth: null, body: "{}" });
    } finally {
      api.stop(true);
    }
  });
});
