/**
 * The emulator's ECS through the real SDK: RunTask validation, the time-based lifecycle, StopTask,
 * ListTasks filters and pagination, DescribeTasks with tags, failure switches, and the stage link.
 * Waits poll the emulator's state (no timing assertions).
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { DescribeTaskDefinitionCommand, DescribeTasksCommand, ECSClient, ListTasksCommand, RunTaskCommand, StopTaskCommand, type Task } from "@aws-sdk/client-ecs";
import { createEcsService, type StageLink } from "../../src/local/ecs.ts";
import { startLocalServer, type LocalServer } from "../../src/local/server.ts";

const CLUSTER = "ivsctl-local-cluster";
const TASKDEF = "ivsctl-local-vp";
const NET = { awsvpcConfiguration: { subnets: ["subnet-0a1b2c3d4e5f60001"], securityGroups: ["sg-0a1b2c3d4e5f60003"], assignPublicIp: "ENABLED" as const } };
const STAGE = "arn:aws:ivs:us-east-1:123456789012:stage/AbCdEfGhIjKl";

const events: string[] = [];
const link: StageLink = {
  join(_store, stageArn, who) {
    if (who.token === "bad") throw new Error("invalid token signature");
    events.push(`join ${stageArn} ${who.participantId}`);
  },
  leave(_store, stageArn, participantId) {
    events.push(`leave ${stageArn} ${participantId}`);
  },
};

let server: LocalServer;
let ecs: ECSClient;

beforeAll(async () => {
  server = await startLocalServer({ port: 0, statePath: ":memory:", services: [createEcsService({ stepMs: 40, stage: link })] });
  ecs = new ECSClient({ region: "us-east-1", endpoint: server.url, credentials: { accessKeyId: "a", secretAccessKey: "b" }, maxAttempts: 1 });
});
afterAll(() => server?.stop());

const fault = (f: Record<string, unknown>) => fetch(`${server.url}/_ivsctl/faults`, { method: "POST", body: JSON.stringify(f) });

async function describeOne(arn: string): Promise<Task> {
  const r = await ecs.send(new DescribeTasksCommand({ cluster: CLUSTER, tasks: [arn], include: ["TAGS"] }));
  return r.tasks![0]!;
}

/** Poll until the task reaches `status` (or STOPPED), bounded by a generous iteration count. */
async function until(arn: string, status: string): Promise<Task> {
  for (let i = 0; i < 400; i++) {
    const t = await describeOne(arn);
    if (t.lastStatus === status || t.lastStatus === "STOPPED") return t;
    await Bun.sleep(10);
  }
  throw new Error(`task never reached ${status}`);
}

function vpRun(env: Record<string, string>, extra: Record<string, unknown> = {}) {
  return ecs.send(
    new RunTaskCommand({
      cluster: CLUSTER,
      taskDefinition: TASKDEF,
      launchType: "FARGATE",
      networkConfiguration: NET,
      startedBy: "ivsctl-vp-AbCdEfGhIjKl",
      tags: [{ key: "ivsctl:stage", value: STAGE }],
      overrides: { containerOverrides: [{ name: "virtual-participant", environment: Object.entries(env).map(([name, value]) => ({ name, value })) }] },
      ...extra,
    }),
  );
}

describe("ECS emulator", () => {
  test("RunTask -> PROVISIONING, then RUNNING (joins the stage), StopTask -> STOPPED (leaves)", async () => {
    const run = await vpRun({ STAGE_ARN: STAGE, PARTICIPANT_TOKEN: "good", PARTICIPANT_ID: "p-1" });
    expect(run.failures).toEqual([]);
    const task = run.tasks![0]!;
    expect(task.lastStatus).toBe("PROVISIONING");
    expect(task.desiredStatus).toBe("RUNNING");
    expect(task.taskArn).toMatch(/^arn:aws:ecs:us-east-1:123456789012:task\/ivsctl-local-cluster\/[0-9a-f]{32}$/);
    expect(task.launchType).toBe("FARGATE");
    expect(task.startedBy).toBe("ivsctl-vp-AbCdEfGhIjKl");
    expect(task.attachments![0]!.details!.find((d) => d.name === "subnetId")!.value).toBe("subnet-0a1b2c3d4e5f60001");
    const running = await until(task.taskArn!, "RUNNING");
    expect(running.lastStatus).toBe("RUNNING");
    expect(running.startedAt).toBeInstanceOf(Date);
    expect(running.tags).toEqual([{ key: "ivsctl:stage", value: STAGE }]);
    expect(running.overrides!.containerOverrides![0]!.environment).toContainEqual({ name: "PARTICIPANT_ID", value: "p-1" });
    expect(events).toContain(`join ${STAGE} p-1`);

    const listed = await ecs.send(new ListTasksCommand({ cluster: CLUSTER, startedBy: "ivsctl-vp-AbCdEfGhIjKl" }));
    expect(listed.taskArns).toContain(task.taskArn!);

    const stopped = await ecs.send(new StopTaskCommand({ cluster: CLUSTER, task: task.taskArn!, reason: "kicked by ivsctl" }));
    expect(stopped.task!.desiredStatus).toBe("STOPPED");
    expect(events).toContain(`leave ${STAGE} p-1`);
    const final = await until(task.taskArn!, "STOPPED");
    expect([final.lastStatus, final.stopCode, final.stoppedReason]).toEqual(["STOPPED", "UserInitiated", "kicked by ivsctl"]);
    expect(final.stoppedAt).toBeInstanceOf(Date);
    const running2 = await ecs.send(new ListTasksCommand({ cluster: CLUSTER, startedBy: "ivsctl-vp-AbCdEfGhIjKl", desiredStatus: "RUNNING" }));
    expect(running2.taskArns).not.toContain(task.taskArn!);
    const stoppedList = await ecs.send(new ListTasksCommand({ cluster: CLUSTER, desiredStatus: "STOPPED" }));
    expect(stoppedList.taskArns).toContain(task.taskArn!);
    // StopTask again is harmless and keeps the first reason.
    const again = await ecs.send(new StopTaskCommand({ cluster: CLUSTER, task: task.taskArn!.split("/").pop()!, reason: "twice" }));
    expect(again.task!.stoppedReason).toBe("kicked by ivsctl");
  });

  test("a token the stage rejects: the container exits 1 with the reason, the task stops", async () => {
    const run = await vpRun({ STAGE_ARN: STAGE, PARTICIPANT_TOKEN: "bad", PARTICIPANT_ID: "p-bad" });
    const t = await until(run.tasks![0]!.taskArn!, "STOPPED");
    expect(t.stopCode).toBe("EssentialContainerExited");
    expect(t.stoppedReason).toBe("Essential container in task exited");
    expect(t.containers![0]!.exitCode).toBe(1);
    expect(t.containers![0]!.reason).toBe("stage rejected the participant token: invalid token signature");
  });

  test("IVSCTL_LOCAL_EXIT_AFTER makes the container exit after RUNNING", async () => {
    const run = await vpRun({ IVSCTL_LOCAL_EXIT_AFTER: "50ms", IVSCTL_LOCAL_EXIT_CODE: "3" });
    const t = await until(run.tasks![0]!.taskArn!, "STOPPED");
    expect([t.stopCode, t.containers![0]!.exitCode]).toEqual(["EssentialContainerExited", 3]);
    expect(t.startedAt).toBeInstanceOf(Date);
  });

  test("failure switches: failures[], a task that fails to start, a task held in PENDING, an error", async () => {
    await fault({ service: "ecs", operation: "RunTask", remaining: 1, failure: { reason: "RESOURCE:FARGATE", detail: "Capacity is unavailable at this time." } });
    const failed = await vpRun({});
    expect(failed.tasks).toEqual([]);
    expect(failed.failures).toEqual([{ arn: expect.stringContaining(":cluster/ivsctl-local-cluster"), reason: "RESOURCE:FARGATE", detail: "Capacity is unavailable at this time." }]);

    await fault({ service: "ecs", operation: "RunTask", remaining: 1, task: { stopAt: "PENDING", stoppedReason: "CannotPullContainerError: pull image manifest has been retried 5 time(s)" } });
    const pull = await until((await vpRun({})).tasks![0]!.taskArn!, "STOPPED");
    expect([pull.stopCode, pull.stoppedReason, pull.startedAt]).toEqual(["TaskFailedToStart", "CannotPullContainerError: pull image manifest has been retried 5 time(s)", undefined]);

    await fault({ service: "ecs", operation: "RunTask", remaining: 1, task: { holdAt: "PENDING" } });
    const held = (await vpRun({})).tasks![0]!.taskArn!;
    const pending = await until(held, "PENDING");
    expect(pending.lastStatus).toBe("PENDING");
    await Bun.sleep(200);
    expect((await describeOne(held)).lastStatus).toBe("PENDING");

    await fault({ service: "ecs", operation: "RunTask", remaining: 1, code: "AccessDeniedException", status: 400, message: "User is not authorized to perform: ecs:RunTask" });
    const denied = await vpRun({}).catch((e) => e);
    expect([denied.name, denied.message]).toEqual(["AccessDeniedException", "User is not authorized to perform: ecs:RunTask"]);
  });

  test("RunTask validation: network configuration, subnet ids, container names, cluster, task definition", async () => {
    const err = (p: Promise<unknown>) => p.then(() => undefined, (e: Error) => `${e.name}: ${e.message}`);
    expect(await err(vpRun({}, { networkConfiguration: undefined }))).toBe("InvalidParameterException: Network Configuration must be provided when networkMode 'awsvpc' is specified.");
    expect(await err(vpRun({}, { networkConfiguration: { awsvpcConfiguration: { subnets: ["subnet-nothex"] } } }))).toBe(
      "InvalidParameterException: Error retrieving subnet information for [subnet-nothex]: The subnet ID 'subnet-nothex' is malformed",
    );
    expect(await err(vpRun({}, { networkConfiguration: { awsvpcConfiguration: { subnets: ["subnet-0123456789abcdef0"] } } }))).toBe(
      "InvalidParameterException: Error retrieving subnet information for [subnet-0123456789abcdef0]: The subnet ID 'subnet-0123456789abcdef0' does not exist",
    );
    expect(await err(vpRun({}, { overrides: { containerOverrides: [{ name: "nope" }] } }))).toBe("InvalidParameterException: Override for container named nope is not a container in the TaskDefinition.");
    expect(await err(vpRun({}, { cluster: "absent" }))).toBe("ClusterNotFoundException: Cluster not found.");
    expect(await err(vpRun({}, { taskDefinition: "absent:1" }))).toBe("ClientException: TaskDefinition not found.");
  });

  test("RunTask overrides: at most 8192 characters of JSON, formatting included; over it is InvalidParameterException (400)", async () => {
    // Overrides whose compact JSON is exactly `size` characters: one environment value padded to fit.
    const overridesOf = (size: number) => {
      const base = { containerOverrides: [{ name: "virtual-participant", environment: [{ name: "PAD", value: "" }] }] };
      base.containerOverrides[0]!.environment[0]!.value = "x".repeat(size - JSON.stringify(base).length);
      expect(JSON.stringify(base).length).toBe(size);
      return base;
    };
    const atLimit = await ecs.send(new RunTaskCommand({ cluster: CLUSTER, taskDefinition: TASKDEF, launchType: "FARGATE", networkConfiguration: NET, overrides: overridesOf(8192) }));
    expect(atLimit.tasks).toHaveLength(1);
    const over = await ecs
      .send(new RunTaskCommand({ cluster: CLUSTER, taskDefinition: TASKDEF, launchType: "FARGATE", networkConfiguration: NET, overrides: overridesOf(8193) }))
      .catch((e) => e);
    expect([over.name, over.message, over.$metadata.httpStatusCode]).toEqual(["InvalidParameterException", "Container Overrides length must be at most 8192", 400]);
    // Small attributes grow as escaped JSON inside an environment value: 1,000 of them are far over the limit.
    const attributes = JSON.stringify(Object.fromEntries(Array.from({ length: 1000 }, (_, i) => [`a${i}`, "v"])));
    expect(JSON.stringify({ containerOverrides: [{ environment: [{ name: "PARTICIPANT_ATTRIBUTES", value: attributes }] }] }).length).toBeGreaterThan(8192);
    const many = await vpRun({ STAGE_ARN: STAGE, PARTICIPANT_TOKEN: "good", PARTICIPANT_ATTRIBUTES: attributes }).catch((e) => e);
    expect(many.name).toBe("InvalidParameterException");
  });

  test("ListTasks pages; DescribeTasks reports unknown tasks as MISSING; DescribeTaskDefinition", async () => {
    for (let i = 0; i < 3; i++) await vpRun({}, { startedBy: "paging" });
    const first = await ecs.send(new ListTasksCommand({ cluster: CLUSTER, startedBy: "paging", maxResults: 2 }));
    expect(first.taskArns).toHaveLength(2);
    const second = await ecs.send(new ListTasksCommand({ cluster: CLUSTER, startedBy: "paging", maxResults: 2, nextToken: first.nextToken }));
    expect(second.taskArns).toHaveLength(1);
    expect(second.nextToken).toBeUndefined();
    const family = await ecs.send(new ListTasksCommand({ cluster: CLUSTER, family: TASKDEF, startedBy: "paging" }));
    expect(family.taskArns).toHaveLength(3);
    const missing = await ecs.send(new DescribeTasksCommand({ cluster: CLUSTER, tasks: ["0123456789abcdef0123456789abcdef"] }));
    expect(missing.failures![0]!.reason).toBe("MISSING");
    const td = await ecs.send(new DescribeTaskDefinitionCommand({ taskDefinition: TASKDEF }));
    expect(td.taskDefinition!.containerDefinitions![0]!.name).toBe("virtual-participant");
  });
});
