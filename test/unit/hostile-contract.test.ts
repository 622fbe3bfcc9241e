/**
 * Issue 12, the CI-script contract in-process: re-runs (--if-exists, --if-not-exists, --if-none),
 * `stream wait`, one JSON shape for `stage create` (AWS's participantTokens), exit 5 for every
 * token verification failure, `keys rotate -o json` quiet on stderr, help and error wording.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { CreateStageCommand, IVSRealTimeClient } from "@aws-sdk/client-ivs-realtime";
import type { Context, GlobalOptions } from "../../src/cli/context.ts";
import { renderHelp } from "../../src/cli/help.ts";
import { parseArgv } from "../../src/cli/parse.ts";
import type { FlagDefs } from "../../src/cli/args.ts";
import { createChannel, deleteChannel } from "../../src/channel/channels.ts";
import { deletePlaybackKey } from "../../src/channel/playback-keys.ts";
import { deleteRecording } from "../../src/channel/recording.ts";
import { deleteStreamKey } from "../../src/channel/stream-keys.ts";
import { waitStream } from "../../src/channel/streams.ts";
import { rotateKeys } from "../../src/keys/rotate.ts";
import { createEcsService } from "../../src/local/ecs.ts";
import { ivsRealtimeService, joinStage, leaveStage } from "../../src/local/ivs-realtime.ts";
import { startLocalServer, type LocalServer } from "../../src/local/server.ts";
import { startStream } from "../../src/local/streams.ts";
import { lowerFirst } from "../../src/stack/resolve.ts";
import { createStage, deleteStage } from "../../src/stage/stages.ts";
import { mintStageTokens } from "../../src/stage/tokens.ts";
import { verifyToken } from "../../src/tokens/decode.ts";
import { inviteVp } from "../../src/vp/vp.ts";
import { deleteKey } from "../../src/keys/keys.ts";
import { testContext, type TestContext } from "../helpers/context.ts";
import { expectCliError } from "../helpers/assert.ts";

let server: LocalServer;
let rt: IVSRealTimeClient;

function context(globals: Partial<GlobalOptions> = {}): TestContext {
  return testContext(server.url, { globals: { yes: true, stack: "ivsctl-local", ...globals }, env: { IVSCTL_NO_CACHE: "1", IVSCTL_POLL_MS: "20" } });
}

const failure = expectCliError;

const GONE = "AbCdEf012345";
const arn = (type: string) => `arn:aws:ivs:us-east-1:123456789012:${type}/${GONE}`;

beforeAll(async () => {
  server = await startLocalServer({ port: 0, statePath: ":memory:", rateLimits: false });
  rt = new IVSRealTimeClient({ region: "us-east-1", endpoint: server.url, credentials: { accessKeyId: "a", secretAccessKey: "b" } });
});
afterAll(() => server?.stop());

describe("--if-exists: deleting what is already gone is exit 0", () => {
  const cases: [string, (ctx: Context, ifExists: boolean) => Promise<void>, string][] = [
    ["channel delete", (ctx, ifExists) => deleteChannel(ctx, { channel: arn("channel"), ifExists }), arn("channel")],
    ["channel delete by name", (ctx, ifExists) => deleteChannel(ctx, { channel: "never-made", ifExists }), "never-made"],
    ["stage delete", (ctx, ifExists) => deleteStage(ctx, { stage: arn("stage"), overrides: {}, ifExists }), arn("stage")],
    ["recording delete", (ctx, ifExists) => deleteRecording(ctx, { recording: arn("recording-configuration"), ifExists }), arn("recording-configuration")],
    ["playback-key delete", (ctx, ifExists) => deletePlaybackKey(ctx, { key: arn("playback-key"), ifExists }), arn("playback-key")],
    ["stream-key delete", (ctx, ifExists) => deleteStreamKey(ctx, { channel: arn("stream-key"), force: false, ifExists }), arn("stream-key")],
    ["keys delete", (ctx, ifExists) => deleteKey(ctx, { arn: arn("public-key"), force: false, overrides: {}, ifExists }), arn("public-key")],
  ];
  for (const [name, run, ref] of cases) {
    test(name, async () => {
      expect((await failure(run(context({ stack: undefined }), false))).exitCode).toBe(4);
      const ctx = context({ stack: undefined });
      await run(ctx, true);
      expect(JSON.parse(ctx.io.out())).toEqual({ arn: ref.startsWith("arn:") ? ref : null, ref, deleted: false, existed: false });
    });
  }
  test("an existing resource is still deleted with --if-exists", async () => {
    const made = context();
    await createChannel(made, { name: "doomed", type: "STANDARD", latencyMode: "LOW", authorized: false, insecureIngest: false } as never);
    const channelArn = JSON.parse(made.io.out()).channel.arn;
    const ctx = context();
    await deleteChannel(ctx, { channel: channelArn, ifExists: true });
    expect(JSON.parse(ctx.io.out())).toEqual({ arn: channelArn, deleted: true });
  });
});

describe("stage create: AWS's participantTokens; a name that exists says so", () => {
  const create = (ctx: Context, extra: Record<string, unknown> = {}) =>
    createStage(ctx, { name: "ci-stage", token: { capabilities: ["PUBLISH", "SUBSCRIBE"], durationMinutes: 60, userId: "host" }, selfSigned: false, overrides: {}, ...extra });
  test("first run: created, participantTokens is an array of one", async () => {
    const ctx = context();
    await create(ctx);
    const doc = JSON.parse(ctx.io.out());
    expect(doc.created).toBe(true);
    expect(doc.participantTokens).toHaveLength(1);
    expect(doc.participantTokens[0].userId).toBe("host");
    expect(doc).not.toHaveProperty("participantToken");
  });
  test("re-run: exit 5 naming the stage; --if-not-exists prints the existing one", async () => {
    const e = await failure(create(context()));
    expect([e.exitCode, e.code]).toEqual([5, "AlreadyExists"]);
    expect(e.message).toStartWith("a stage named ci-stage exists already: arn:aws:ivs:");
    const ctx = context();
    await create(ctx, { ifNotExists: true });
    const doc = JSON.parse(ctx.io.out());
    expect([doc.created, doc.participantTokens, doc.stage.name]).toEqual([false, [], "ci-stage"]);
  });
});

describe("vp invite --if-none", () => {
  let ecsServer: LocalServer;
  beforeAll(async () => {
    ecsServer = await startLocalServer({ port: 0, statePath: ":memory:", services: [ivsRealtimeService, createEcsService({ stepMs: 20, stage: { join: joinStage, leave: leaveStage } })] });
  });
  afterAll(() => ecsServer?.stop());
  const vpContext = () => {
    return testContext(ecsServer.url, { globals: { yes: true, quiet: true, stack: "ivsctl-local" }, env: { IVSCTL_POLL_MS: "20", IVSCTL_NO_CACHE: "1", AWS_MAX_ATTEMPTS: undefined } });
  };
  const invite = (ctx: Context, stage: string, extra: Record<string, unknown> = {}) => inviteVp(ctx, { stage, env: {}, wait: true, timeoutMs: 30_000, force: false, overrides: {}, ...extra });
  test("a stage with a VP: exit 5 without, exit 0 and invited: false with", async () => {
    const ecsRt = new IVSRealTimeClient({ region: "us-east-1", endpoint: ecsServer.url, credentials: { accessKeyId: "a", secretAccessKey: "b" } });
    const stage = (await ecsRt.send(new CreateStageCommand({ name: "vp-if-none" }))).stage!.arn!;
    const first = vpContext();
    await invite(first, stage, { ifNone: true });
    expect(JSON.parse(first.io.out()).invited).toBe(true);
    expect((await failure(invite(vpContext(), stage))).exitCode).toBe(5);
    const again = vpContext();
    await invite(again, stage, { ifNone: true });
    const doc = JSON.parse(again.io.out());
    expect([doc.invited, doc.tasks.length]).toEqual([false, 1]);
    expect((await failure(invite(vpContext(), stage, { ifNone: true, force: true }))).exitCode).toBe(2);
  }, 30_000);
});

describe("stream wait", () => {
  let channelArn: string;
  beforeAll(async () => {
    const ctx = context();
    await createChannel(ctx, { name: "waited", type: "STANDARD", latencyMode: "LOW", authorized: false, insecureIngest: false } as never);
    channelArn = JSON.parse(ctx.io.out()).channel.arn;
  });
  test("OFFLINE now: returns at once", async () => {
    const ctx = context();
    await waitStream(ctx, { channel: "waited", state: "OFFLINE", timeoutMs: 5_000 });
    expect(JSON.parse(ctx.io.out())).toMatchObject({ channelArn, state: "OFFLINE", stream: null });
  });
  test("LIVE: waits until the stream starts", async () => {
    setTimeout(() => startStream(server.store, { arn: channelArn, playbackUrl: "" }, new Date()), 700);
    const ctx = context();
    await waitStream(ctx, { channel: channelArn, state: "LIVE", timeoutMs: 10_000 });
    const doc = JSON.parse(ctx.io.out());
    expect(doc.state).toBe("LIVE");
    expect(doc.stream.state).toBe("LIVE");
    expect(doc.waitedMs).toBeGreaterThan(0);
  });
  test("timeout is exit 6 naming the last state; bad input is exit 2", async () => {
    const e = await failure(waitStream(context(), { channel: "waited", state: "OFFLINE", timeoutMs: 600 }));
    expect([e.exitCode, e.code]).toEqual([6, "WaitTimeout"]);
    expect(e.message).toContain("still LIVE");
    expect((await failure(waitStream(context(), { channel: "waited", state: "GONE" as never, timeoutMs: 600 }))).exitCode).toBe(2);
    expect((await failure(waitStream(context(), { channel: "waited", state: "LIVE", timeoutMs: 25 * 86_400_000 }))).exitCode).toBe(2);
  });
});

describe("exit codes and quiet JSON", () => {
  test("token verify: a kid whose key is gone is exit 5, like every verification failure", async () => {
    await rotateKeys(context({ quiet: true }), { graceMs: 0, overrides: {} });
    const stage = (await rt.send(new CreateStageCommand({ name: "verify" }))).stage!.arn!;
    const minted = context();
    await mintStageTokens(minted, { stage, token: { capabilities: ["SUBSCRIBE"], durationMinutes: 60 }, selfSigned: true, overrides: {} });
    const token = JSON.parse(minted.io.out()).participantToken.token;
    await rotateKeys(context({ quiet: true }), { graceMs: 0, overrides: {} }); // grace 0 deletes the key that signed it
    const e = await failure(verifyToken(context(), { token }));
    expect([e.exitCode, e.code]).toEqual([5, "KeyNotFound"]);
  });
  test("keys rotate -o json: stdout is the document, stderr stays empty unless verbose", async () => {
    const quiet = context();
    await rotateKeys(quiet, { graceMs: 3_600_000, overrides: {} });
    expect(quiet.io.err()).toBe("");
    expect(JSON.parse(quiet.io.out()).rotated).toBe(true);
    const verbose = context();
    await rotateKeys(verbose, { graceMs: 3_600_000, overrides: {}, verbose: true });
    expect(verbose.io.err()).toContain("step 1/6 generate key pair: done");
  });
});

describe("wording", () => {
  test('"(repeatable)" is said once in help', async () => {
    const cmd = { meta: { name: "send", description: "d" }, args: { channel: { type: "string", description: "A channel (repeatable); shared limit", repeatable: true }, tag: { type: "string", description: "Tag", repeatable: true } } };
    const help = await renderHelp(cmd as never, ["ivsctl", "x"], "0");
    expect(help.match(/repeatable/g)).toHaveLength(2);
    expect(help).toContain("Tag (repeatable)");
  });
  test("one name per idea: an old flag name stays as a hidden alias (parsed, never shown in help)", async () => {
    const args: FlagDefs = { ttl: { type: "string", description: "Token lifetime", alias: ["duration", "token-duration"] }, key: { type: "string", description: "Key file", alias: ["private-key-file", "out", "public-key"] } };
    expect(parseArgv(["--token-duration", "2h"], args).duration("ttl")).toBe(7_200_000);
    expect(parseArgv(["--private-key-file", "k.pem"], args).string("key")).toBe("k.pem");
    const help = await renderHelp({ meta: { name: "token", description: "d" }, args } as never, ["ivsctl", "stage", "token"], "0");
    expect(help).toContain("--ttl value");
    for (const old of ["--duration", "--token-duration", "--private-key-file", "--out", "--public-key"]) expect(help).not.toContain(old);
  });
  test('role errors keep acronyms: "no ECS cluster", not "no eCS cluster"', () => {
    expect(lowerFirst("ECS cluster that runs virtual participants")).toBe("ECS cluster that runs virtual participants");
    expect(lowerFirst("Subnets for VP tasks")).toBe("subnets for VP tasks");
  });
});
