/**
 * The VP hooks other features call, in-process against the emulator: restartVpTasks (key rotation)
 * and stopStageVps (stage delete). Waits poll the emulator's state.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { CreateStageCommand, IVSRealTimeClient } from "@aws-sdk/client-ivs-realtime";
import type { Context, GlobalOptions } from "../../src/cli/context.ts";
import { testContext, type TestContext } from "../helpers/context.ts";
import { createEcsService } from "../../src/local/ecs.ts";
import { ivsRealtimeService, joinStage, leaveStage } from "../../src/local/ivs-realtime.ts";
import { startLocalServer, type LocalServer } from "../../src/local/server.ts";
import { stackResolver } from "../../src/stack/resolve.ts";
import { inviteVp, listVps, restartVpTasks, stopStageVps } from "../../src/vp/vp.ts";

let server: LocalServer;
let rt: IVSRealTimeClient;

function context(globals: Partial<GlobalOptions> = {}): TestContext {
  return testContext(server.url, { globals: { yes: true, quiet: true, stack: "ivsctl-local", ...globals }, env: { IVSCTL_POLL_MS: "20", AWS_MAX_ATTEMPTS: undefined } });
}

/** Every VP task, stopped ones included, through `vp list --all`. */
async function vpTasks(): Promise<any[]> {
  const c = context();
  await listVps(c, { all: true, overrides: {} });
  return JSON.parse(c.io.out()).virtualParticipants;
}

beforeAll(async () => {
  server = await startLocalServer({ port: 0, statePath: ":memory:", services: [ivsRealtimeService, createEcsService({ stepMs: 20, stage: { join: joinStage, leave: leaveStage } })] });
  rt = new IVSRealTimeClient({ region: "us-east-1", endpoint: server.url, credentials: { accessKeyId: "a", secretAccessKey: "b" } });
});
afterAll(() => server?.stop());

const invite = (ctx: Context, stage: string, extra: Record<string, unknown> = {}) =>
  inviteVp(ctx, { stage, env: { LOG_LEVEL: "debug" }, wait: true, timeoutMs: 30_000, force: false, overrides: {}, asset: "loop.mp4", userId: "bot", attributes: { role: "host" }, ...extra });

describe("VP hooks", () => {
  test("restartVpTasks replaces every running VP (new token, same stage/asset/user/attributes/env) and stops the old task", async () => {
    const a = (await rt.send(new CreateStageCommand({ name: "hook-a" }))).stage!.arn!;
    const b = (await rt.send(new CreateStageCommand({ name: "hook-b" }))).stage!.arn!;
    const ctxA = context();
    await invite(ctxA, a);
    await invite(context(), b);
    const before = JSON.parse(ctxA.io.out());
    expect(before.participantState).toBe("CONNECTED");

    const ctx = context();
    expect(await restartVpTasks(ctx, stackResolver(ctx, {}))).toBe(2);
    const tasks = await vpTasks();
    const running = tasks.filter((t) => t.desiredStatus === "RUNNING");
    const stopped = tasks.filter((t) => t.desiredStatus === "STOPPED");
    expect(running.map((t) => t.stageArn).sort()).toEqual([a, b].sort());
    expect(stopped.map((t) => t.stoppedReason)).toEqual(["restarted by ivsctl (participant-token key rotated)", "restarted by ivsctl (participant-token key rotated)"]);
    const newA = running.find((t) => t.stageArn === a)!;
    expect(newA.participantId).not.toBe(before.participantId);
    expect(newA.assetName).toBe("loop.mp4");
    // the replacement carries the same environment (read back through ECS, not ivsctl)
    const { ECSClient, DescribeTasksCommand } = await import("@aws-sdk/client-ecs");
    const ecs = new ECSClient({ region: "us-east-1", endpoint: server.url, credentials: { accessKeyId: "a", secretAccessKey: "b" } });
    const described = (await ecs.send(new DescribeTasksCommand({ cluster: "ivsctl-local-cluster", tasks: [newA.taskArn] }))).tasks![0]!;
    const env = Object.fromEntries(described.overrides!.containerOverrides![0]!.environment!.map((e) => [e.name, e.value]));
    expect([env.LOG_LEVEL, env.PARTICIPANT_USER_ID, env.PARTICIPANT_ATTRIBUTES, env.PARTICIPANT_ID]).toEqual(["debug", "bot", '{"role":"host"}', newA.participantId]);
  });

  test("stopStageVps stops only that stage's VPs; without a VP backend it is 0", async () => {
    const c = (await rt.send(new CreateStageCommand({ name: "hook-c" }))).stage!.arn!;
    const d = (await rt.send(new CreateStageCommand({ name: "hook-d" }))).stage!.arn!;
    await invite(context(), c);
    await invite(context(), d);
    expect(await stopStageVps(context(), c)).toBe(1);
    expect(await stopStageVps(context(), c)).toBe(0);
    const running = (await vpTasks()).filter((t) => t.desiredStatus === "RUNNING").map((t) => t.stageArn);
    expect(running).not.toContain(c);
    expect(running).toContain(d);
    expect(await stopStageVps(context({ stack: undefined }), d)).toBe(0);
  });
});
