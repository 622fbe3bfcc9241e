/**
 * `ivsctl vp invite|kick|list`: the compiled binary against `ivsctl local` (ECS + IVS real-time +
 * the seeded `ivsctl-local` stack), and the ECS/CloudFormation part against moto, a second
 * implementation, with the stage side still on `ivsctl local`. Waits poll state; nothing is timed.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { CreateStageCommand, GetParticipantCommand, IVSRealTimeClient, ListStageSessionsCommand } from "@aws-sdk/client-ivs-realtime";
import { ensureBinary, ivsctl, json, type RunResult } from "../helpers/cli.ts";
import { startEmulator, type LocalEmulator } from "../helpers/local.ts";
import { awsCliEnv, exec, HAS_AWS_CLI, HAS_MOTO, skipReason, startMoto } from "../helpers/tools.ts";

let local: LocalEmulator;
let rt: IVSRealTimeClient;
const STACK = ["--stack", "ivsctl-local"];

beforeAll(async () => {
  ensureBinary();
  // This suite counts AWS calls exactly: a throttled call retried by the SDK would count twice.
  local = await startEmulator({ IVSCTL_LOCAL_ECS_STEP_MS: "100", IVSCTL_LOCAL_RATE_LIMITS: "off" });
  rt = new IVSRealTimeClient({ region: "us-east-1", endpoint: local.endpoint, credentials: { accessKeyId: "a", secretAccessKey: "b" } });
});
afterAll(() => local?.stop());

async function createStage(name: string): Promise<string> {
  const { stage } = await rt.send(new CreateStageCommand({ name }));
  return stage!.arn!;
}

async function requests(): Promise<Record<string, number>> {
  return (await fetch(`${local.endpoint}/_ivsctl/requests`)).json() as Promise<Record<string, number>>;
}
const resetRequests = () => fetch(`${local.endpoint}/_ivsctl/requests`, { method: "DELETE" });
const total = (counts: Record<string, number>) => Object.values(counts).reduce((a, b) => a + b, 0);

/** The participant's state in the stage's latest session (it may have ended when the VP left). */
async function participantState(stageArn: string, participantId: string): Promise<string | undefined> {
  const { stageSessions } = await rt.send(new ListStageSessionsCommand({ stageArn }));
  const latest = [...(stageSessions ?? [])].sort((a, b) => b.startTime!.getTime() - a.startTime!.getTime())[0];
  if (!latest) return undefined;
  const { participant } = await rt.send(new GetParticipantCommand({ stageArn, sessionId: latest.sessionId!, participantId }));
  return participant?.state;
}

/** Poll `vp list --all` until the task shows `status` (bounded by iterations, not by time). */
async function untilListed(stage: string, taskArn: string, status: string): Promise<any> {
  for (let i = 0; i < 200; i++) {
    const list = json(await local.run(["vp", "list", "--stage", stage, "--all", ...STACK, "-o", "json"]));
    const t = list.virtualParticipants.find((x: { taskArn: string }) => x.taskArn === taskArn);
    if (t?.status === status) return t;
    await Bun.sleep(50);
  }
  throw new Error(`task never listed as ${status}`);
}

/** The one error line (progress lines such as "started VP task" may come before it). */
function firstLine(r: RunResult): string {
  return r.stderr.split("\n").find((l) => l.startsWith("error: ")) ?? "";
}

describe("vp against ivsctl local", () => {
  test("invite --wait -> RUNNING and CONNECTED; list; second invite refused (5); kick -> STOPPED and DISCONNECTED", async () => {
    const stageArn = await createStage("vp-life");
    const r = await local.run(["vp", "invite", "vp-life", "--asset", "intro.mp4", "--user-id", "bot-1", "--attribute", "role=host", "--wait", ...STACK, "-o", "json"]);
    expect(r.stderr).toContain("started VP task");
    expect(r.code).toBe(0);
    const out = json(r);
    expect(out.stageArn).toBe(stageArn);
    expect(out.participantState).toBe("CONNECTED");
    expect(out.task.lastStatus).toBe("RUNNING");
    expect(out.task.asset).toBe("intro.mp4");
    expect(out.task.startedBy).toBe(`ivsctl-vp-${stageArn.split("/").pop()}`);
    expect(out.cluster).toBe("ivsctl-local-cluster");
    expect(r.stdout).not.toContain("PARTICIPANT_TOKEN");
    expect(await participantState(stageArn, out.participantId)).toBe("CONNECTED");

    const list = await local.run(["vp", "list", ...STACK]);
    expect(list.code).toBe(0);
    const header = list.stdout.split("\n")[0]!;
    expect(header).toMatch(/^STAGE\s+PARTICIPANT\s+STATUS\s+DESIRED\s+STARTED\s+TASK\s+STOP REASON$/);
    const row = list.stdout.split("\n").find((l) => l.includes(out.participantId))!;
    expect(row).toMatch(new RegExp(`^${stageArn.split("/").pop()}\\s+${out.participantId}\\s+RUNNING\\s+RUNNING\\s+\\d{4}-\\d\\d-\\d\\dT[\\d:]+Z\\s+[0-9a-f]{32}\\s+-$`));

    const again = await local.run(["vp", "invite", "vp-life", ...STACK]);
    expect(again.code).toBe(5);
    expect(firstLine(again)).toBe(`error: stage vp-life already has an active ivsctl VP: task ${out.task.taskArn.split("/").pop()} (RUNNING, participant ${out.participantId}) (AlreadyActive)`);
    expect(again.stderr).toContain("hint: kick it first (`ivsctl vp kick`), or add --force to run another");

    const kick = await local.run(["vp", "kick", "vp-life", ...STACK, "-o", "json"]);
    expect(kick.code).toBe(0);
    const kicked = json(kick);
    expect(kicked.stopped.map((t: { taskArn: string }) => t.taskArn)).toEqual([out.task.taskArn]);
    expect(kicked.stopped[0].desiredStatus).toBe("STOPPED");
    const stopped = await untilListed("vp-life", out.task.taskArn, "STOPPED");
    expect([stopped.stopCode, stopped.stoppedReason]).toEqual(["UserInitiated", "kicked by ivsctl vp kick"]);
    expect(await participantState(stageArn, out.participantId)).toBe("DISCONNECTED");
    // running VPs only, by default
    expect(json(await local.run(["vp", "list", "--stage", stageArn, ...STACK, "-o", "json"])).virtualParticipants).toEqual([]);
  });

  test("kick with no VP is exit 0 with a clear message", async () => {
    await createStage("vp-empty");
    const r = await local.run(["vp", "kick", "vp-empty", ...STACK]);
    expect(r.code).toBe(0);
    expect(r.stderr).toContain("no active ivsctl VP on stage vp-empty: nothing to kick");
    expect(r.stdout).toMatch(/Stopped\s+nothing \(no active VP\)/);
  });

  test("--force runs a second VP; kick then needs --all (exit 5), and --all stops both", async () => {
    await createStage("vp-two");
    expect((await local.run(["vp", "invite", "vp-two", ...STACK])).code).toBe(0);
    expect((await local.run(["vp", "invite", "vp-two", "--force", ...STACK])).code).toBe(0);
    const refused = await local.run(["vp", "kick", "vp-two", ...STACK]);
    expect(refused.code).toBe(5);
    expect(firstLine(refused)).toMatch(/^error: stage vp-two has 2 active VPs: .+ \(SeveralVps\)$/);
    const all = await local.run(["vp", "kick", "vp-two", "--all", ...STACK, "-o", "json"]);
    expect(all.code).toBe(0);
    expect(json(all).stopped).toHaveLength(2);
  });

  test("a RunTask failure surfaces ECS's reason: capacity exit 5, missing permission exit 3", async () => {
    await createStage("vp-fail");
    await local.fault({ service: "ecs", operation: "RunTask", remaining: 1, failure: { reason: "RESOURCE:FARGATE", detail: "Capacity is unavailable at this time. Please try again later or in a different availability zone" } });
    const capacity = await local.run(["vp", "invite", "vp-fail", ...STACK]);
    expect(capacity.code).toBe(5);
    expect(firstLine(capacity)).toBe(
      "error: running the VP task: ECS did not start it: RESOURCE:FARGATE (Capacity is unavailable at this time. Please try again later or in a different availability zone) (RESOURCE:FARGATE)",
    );
    await local.fault({ service: "ecs", operation: "RunTask", remaining: 1, code: "AccessDeniedException", status: 400, message: "User: arn:aws:iam::123456789012:user/dev is not authorized to perform: ecs:RunTask" });
    const denied = await local.run(["vp", "invite", "vp-fail", ...STACK]);
    expect(denied.code).toBe(3);
    expect(firstLine(denied)).toBe("error: running the VP task: User: arn:aws:iam::123456789012:user/dev is not authorized to perform: ecs:RunTask (AccessDeniedException)");
    // nothing was left running
    expect(json(await local.run(["vp", "list", "--stage", "vp-fail", ...STACK, "-o", "json"])).virtualParticipants).toEqual([]);
  });

  test("--wait: a task that stops early gives its stopped reason (exit 5)", async () => {
    await createStage("vp-early");
    await local.fault({ service: "ecs", operation: "RunTask", remaining: 1, task: { stopAt: "PENDING", stoppedReason: "CannotPullContainerError: pull image manifest has been retried 5 time(s): not found" } });
    const r = await local.run(["vp", "invite", "vp-early", "--wait", ...STACK]);
    expect(r.code).toBe(5);
    expect(firstLine(r)).toMatch(/^error: VP task [0-9a-f]{32} stopped before it joined: TaskFailedToStart: CannotPullContainerError: pull image manifest has been retried 5 time\(s\): not found \(TaskFailedToStart\)$/);

    await createStage("vp-exit");
    const exited = await local.run(["vp", "invite", "vp-exit", "--wait", "--env", "IVSCTL_LOCAL_EXIT_AFTER=0ms", "--env", "IVSCTL_LOCAL_EXIT_CODE=2", ...STACK]);
    expect(exited.code).toBe(5);
    expect(firstLine(exited)).toMatch(/stopped before it joined: EssentialContainerExited: Essential container in task exited \(exit code 2\) \(EssentialContainerExited\)$/);
  });

  test("--wait --timeout: exit 6 with the last status", async () => {
    await createStage("vp-slow");
    await local.fault({ service: "ecs", operation: "RunTask", remaining: 1, task: { holdAt: "PENDING" } });
    const r = await local.run(["vp", "invite", "vp-slow", "--wait", "--timeout", "1s", ...STACK]);
    expect(r.code).toBe(6);
    expect(firstLine(r)).toMatch(/^error: timed out after 1s waiting for VP task [0-9a-f]{32} to run and participant \S+ to be CONNECTED: last status PENDING \(desired RUNNING\), participant not on the stage \(WaitTimeout\)$/);
  });

  test("one invite: one DescribeStacks and one ListStackResources; every AWS call counted", async () => {
    const stageArn = await createStage("vp-count");
    await resetRequests();
    // Without the cross-invocation cache, to see the per-invocation bound itself.
    const r = await local.run(["vp", "invite", stageArn, ...STACK], { env: { IVSCTL_NO_CACHE: "1" } });
    expect(r.code).toBe(0);
    const counts = await requests();
    expect(counts["cloudformation:DescribeStacks"]).toBe(1);
    expect(counts["cloudformation:ListStackResources"]).toBe(1);
    expect(counts["ecs:RunTask"]).toBe(1);
    process.stderr.write(`vp invite AWS calls: ${total(counts)} ${JSON.stringify(counts)}\n`);
    await resetRequests();
    await local.run(["vp", "list", ...STACK], { env: { IVSCTL_NO_CACHE: "1" } });
    const listCounts = await requests();
    expect(listCounts["cloudformation:DescribeStacks"]).toBe(1);
    expect(listCounts["cloudformation:ListStackResources"]).toBe(1);
  });

  test("bad input is exit 2 before any AWS call", async () => {
    await resetRequests();
    const subnet = await local.run(["vp", "invite", "some-stage", "--subnets", "subnet-0a1b2c3d,vpc-0a1b2c3d", ...STACK]);
    expect(subnet.code).toBe(2);
    expect(subnet.stderr).toBe('error: --subnets: "vpc-0a1b2c3d" is not a subnet id (subnet- and 8 or 17 hex digits)\n');
    const ref = await local.run(["vp", "invite", "not a stage!", ...STACK]);
    expect(ref.code).toBe(2);
    expect(ref.stderr).toStartWith('error: "not a stage!" is not a stage ARN, id or name');
    const arn = await local.run(["vp", "kick", "arn:aws:ivs:us-east-1:123456789012:channel/AbCdEf012345", ...STACK]);
    expect(arn.code).toBe(2);
    const attr = await local.run(["vp", "invite", "s", "--attribute", "novalue", ...STACK]);
    expect(attr.stderr).toBe('error: --attribute must be key=value (got "novalue")\n');
    const big = await local.run(["vp", "invite", "s", "--attribute", `big=${"x".repeat(1100)}`, ...STACK]);
    expect(big.code).toBe(2);
    expect(big.stderr).toBe("error: attributes take 1103 bytes; IVS allows at most 1024 (1 KB) in total\n");
    const timeout = await local.run(["vp", "invite", "s", "--timeout", "5s", ...STACK]);
    expect(timeout.stderr).toBe("error: --timeout applies only with --wait\n");
    const env = await local.run(["vp", "invite", "s", "--env", "PARTICIPANT_TOKEN=x", ...STACK]);
    expect(env.code).toBe(2);
    expect(total(await requests())).toBe(0);
  });

  test("an unknown stage is exit 4", async () => {
    const r = await local.run(["vp", "invite", "no-such-stage", ...STACK]);
    expect(r.code).toBe(4);
    expect(firstLine(r)).toBe('error: no stage named or with id "no-such-stage" (ResourceNotFoundException)');
  });

  test("--dry-run prints the RunTask request without minting a token or starting a task", async () => {
    await createStage("vp-dry");
    const r = await local.run(["vp", "invite", "vp-dry", "--asset", "a.mp4", "--dry-run", ...STACK, "-o", "json"]);
    expect(r.code).toBe(0);
    const out = json(r);
    expect(out.operation).toBe("RunTask");
    expect(out.request.networkConfiguration.awsvpcConfiguration.subnets).toEqual(["subnet-0a1b2c3d4e5f60001", "subnet-0a1b2c3d4e5f60002"]);
    const env = Object.fromEntries(out.request.overrides.containerOverrides[0].environment.map((e: { name: string; value: string }) => [e.name, e.value]));
    expect(env.PARTICIPANT_TOKEN).toBe("<minted when the task is run>");
    expect(env.ASSET_NAME).toBe("a.mp4");
    expect(env.ASSET_BASE).toBe("s3://ivsctl-local-video-assets-123456789012/"); // the stack's VideoAssetsBucketName
    expect(json(await local.run(["vp", "list", "--stage", "vp-dry", ...STACK, "-o", "json"])).virtualParticipants).toEqual([]);
  });
});

describe("concurrent invites on one stage", () => {
  test("4 parallel invites leave exactly one VP; every other invite stops its own task and exits 5", async () => {
    const stageArn = await createStage("vp-race");
    const runs = await Promise.all(Array.from({ length: 4 }, () => local.run(["vp", "invite", stageArn, ...STACK, "-o", "json"])));
    const codes = runs.map((r) => r.code).sort();
    expect(codes.filter((c) => c === 0)).toHaveLength(1);
    expect(codes.filter((c) => c !== 0)).toEqual([5, 5, 5]);
    for (const r of runs.filter((x) => x.code !== 0)) expect(r.stderr).toMatch(/already has an active ivsctl VP|got a VP from a concurrent invite/);
    const winner = json(runs.find((r) => r.code === 0)!).task.taskArn;
    const all = json(await local.run(["vp", "list", "--stage", stageArn, "--all", ...STACK, "-o", "json"])).virtualParticipants;
    const live = all.filter((v: { desiredStatus: string }) => v.desiredStatus !== "STOPPED");
    expect(live.map((v: { taskArn: string }) => v.taskArn)).toEqual([winner]);
    await local.run(["vp", "kick", stageArn, "--all", ...STACK]);
  }, 30_000);
});

describe("vp with the stack's signing key (after `ivsctl keys rotate`)", () => {
  test("invite self-signs the token with the current key; a rotation restarts the VP with a token of the new key", async () => {
    const stageArn = await createStage("vp-signed");
    const first = await local.run(["keys", "rotate", "--grace", "1h", "--no-restart-vps", ...STACK, "-o", "json"]);
    expect(first.code).toBe(0);
    const r = await local.run(["vp", "invite", "vp-signed", "--wait", ...STACK, "-o", "json"]);
    expect(r.code).toBe(0);
    const out = json(r);
    expect([out.tokenSource, out.participantState]).toEqual(["self-signed", "CONNECTED"]);

    const rotated = await local.run(["keys", "rotate", "--grace", "1h", ...STACK, "-o", "json"]);
    expect(rotated.code).toBe(0);
    const tasks = json(await local.run(["vp", "list", "--stage", "vp-signed", "--all", ...STACK, "-o", "json"])).virtualParticipants;
    const old = tasks.find((t: { taskArn: string }) => t.taskArn === out.task.taskArn);
    expect([old.desiredStatus, old.stoppedReason]).toEqual(["STOPPED", "restarted by ivsctl (participant-token key rotated)"]);
    const replacement = tasks.find((t: { desiredStatus: string }) => t.desiredStatus === "RUNNING");
    expect(replacement.participantId).not.toBe(out.participantId);
    await untilListed("vp-signed", replacement.taskArn, "RUNNING");
    for (let i = 0; i < 100 && (await participantState(stageArn, replacement.participantId)) !== "CONNECTED"; i++) await Bun.sleep(50);
    expect(await participantState(stageArn, replacement.participantId)).toBe("CONNECTED");
  });

  test("with the stack's key and a warm cache, an invite costs 6 AWS calls: resolution, token, and the concurrent-invite check", async () => {
    const stageArn = await createStage("vp-five");
    await local.run(["vp", "invite", await createStage("vp-warm"), ...STACK]); // warms the stack-version and task-definition cache
    await resetRequests();
    const r = await local.run(["vp", "invite", stageArn, ...STACK, "-o", "json"]);
    expect(r.code).toBe(0);
    expect(json(r).tokenSource).toBe("self-signed");
    const counts = await requests();
    expect(counts).toEqual({
      "cloudformation:DescribeStacks": 1,
      "secretsmanager:GetSecretValue": 1,
      "ivs-realtime:GetStage": 1,
      "ecs:ListTasks": 2, // before RunTask (a VP already there?) and after (did a concurrent invite win?)
      "ecs:RunTask": 1,
    });
  });
});

const RESOURCES_ONLY = {
  Resources: {
    Vpc: { Type: "AWS::EC2::VPC", Properties: { CidrBlock: "10.0.0.0/16" } },
    Subnet: { Type: "AWS::EC2::Subnet", Properties: { VpcId: { Ref: "Vpc" }, CidrBlock: "10.0.1.0/24" } },
    TaskSg: { Type: "AWS::EC2::SecurityGroup", Properties: { GroupDescription: "vp", VpcId: { Ref: "Vpc" } } },
    Cluster: { Type: "AWS::ECS::Cluster", Properties: { ClusterName: "moto-vp-cluster" } },
    TaskDef: {
      Type: "AWS::ECS::TaskDefinition",
      Properties: {
        Family: "moto-vp",
        NetworkMode: "awsvpc",
        RequiresCompatibilities: ["FARGATE"],
        Cpu: "1024",
        Memory: "2048",
        // moto needs container-level Cpu and Memory, or RunTask fails with a 500
        ContainerDefinitions: [{ Name: "virtual-participant", Image: "public.ecr.aws/ivsctl/vp:latest", Cpu: 1024, Memory: 2048, Essential: true }],
      },
    },
  },
};
const EXPORTED = {
  Resources: { ...RESOURCES_ONLY.Resources, Cluster: { Type: "AWS::ECS::Cluster", Properties: { ClusterName: "moto-vp-exported" } }, Other: { Type: "AWS::ECS::Cluster", Properties: { ClusterName: "moto-vp-other" } } },
  Outputs: {
    ClusterName: { Value: { Ref: "Cluster" }, Export: { Name: "moto-vp-out::ClusterName" } },
    TaskDefinitionArn: { Value: { Ref: "TaskDef" } },
    Subnets: { Value: { Ref: "Subnet" } },
    SecurityGroup: { Value: { Ref: "TaskSg" } },
  },
};
const TWO_CLUSTERS = {
  Resources: { A: { Type: "AWS::ECS::Cluster", Properties: { ClusterName: "moto-a" } }, B: { Type: "AWS::ECS::Cluster", Properties: { ClusterName: "moto-b" } } },
};

if (!HAS_MOTO || !HAS_AWS_CLI) skipReason("vp against moto", HAS_MOTO ? "aws (AWS CLI)" : "moto_server");
describe.skipIf(!HAS_MOTO || !HAS_AWS_CLI)("vp: ECS and CloudFormation in moto, the stage in ivsctl local", () => {
  let moto: Awaited<ReturnType<typeof startMoto>> | undefined;
  let endpoint = "";
  const aws = (args: string[]) => exec(["aws", ...args, "--endpoint-url", endpoint, "--output", "json"], awsCliEnv());
  /** ivsctl without --local: per-service endpoints, as the SDK reads them. */
  const run = (args: string[]) =>
    ivsctl(args, {
      env: {
        ...awsCliEnv(),
        AWS_REGION: "us-east-1",
        AWS_ENDPOINT_URL_ECS: endpoint,
        AWS_ENDPOINT_URL_CLOUDFORMATION: endpoint,
        AWS_ENDPOINT_URL_IVS_REALTIME: local.endpoint,
        AWS_ENDPOINT_URL_SECRETS_MANAGER: local.endpoint,
      },
    });

  beforeAll(async () => {
    moto = await startMoto();
    endpoint = moto.endpoint;
    // moto advances a task's status on every describe; keep tasks RUNNING until stopped.
    await fetch(`${endpoint}/moto-api/state-manager/set-transition`, { method: "POST", body: JSON.stringify({ model_name: "ecs::task", transition: { progression: "manual", times: 1_000_000 } }) });
    for (const [name, template] of [["moto-vp", RESOURCES_ONLY], ["moto-vp-out", EXPORTED], ["moto-two", TWO_CLUSTERS]] as const) {
      const created = await aws(["cloudformation", "create-stack", "--stack-name", name, "--template-body", JSON.stringify(template)]);
      expect(created.code).toBe(0);
    }
  });
  afterAll(() => {
    moto?.stop();
  });

  test("a resources-only stack resolves; invite runs a RUNNING task whose overrides carry the token (read with the AWS CLI)", async () => {
    const stageArn = await createStage("moto-stage");
    const r = await run(["vp", "invite", "moto-stage", "--asset", "clip.mp4", "--stack", "moto-vp", "-o", "json"]);
    expect(r.stderr).toContain("started VP task");
    expect(r.code).toBe(0);
    const out = json(r);
    expect(out.cluster).toBe("moto-vp-cluster");
    const described = JSON.parse((await aws(["ecs", "describe-tasks", "--cluster", "moto-vp-cluster", "--tasks", out.task.taskArn, "--include", "TAGS"])).stdout).tasks[0];
    expect(described.lastStatus).toBe("RUNNING");
    expect(described.launchType).toBe("FARGATE");
    expect(described.startedBy).toBe(`ivsctl-vp-${stageArn.split("/").pop()}`);
    const env = Object.fromEntries(described.overrides.containerOverrides[0].environment.map((e: { name: string; value: string }) => [e.name, e.value]));
    expect(described.overrides.containerOverrides[0].name).toBe("virtual-participant");
    expect(env.STAGE_ARN).toBe(stageArn);
    expect(env.PARTICIPANT_TOKEN.length).toBeGreaterThan(10);
    expect(env.PARTICIPANT_ID).toBe(out.participantId);
    expect(env.ASSET_NAME).toBe("clip.mp4");
    expect(env.WHIP_URL).toStartWith("http");
    expect(described.tags).toContainEqual({ key: "ivsctl:stage", value: stageArn });
    expect(described.tags).toContainEqual({ key: "ivsctl:participant-id", value: out.participantId });

    const list = json(await run(["vp", "list", "--stack", "moto-vp", "-o", "json"]));
    expect(list.virtualParticipants.map((t: { taskArn: string }) => t.taskArn)).toEqual([out.task.taskArn]);
    const kick = await run(["vp", "kick", "moto-stage", "--stack", "moto-vp", "-o", "json"]);
    expect(kick.code).toBe(0);
    const after = JSON.parse((await aws(["ecs", "describe-tasks", "--cluster", "moto-vp-cluster", "--tasks", out.task.taskArn])).stdout).tasks[0];
    expect([after.desiredStatus, after.stoppedReason]).toEqual(["STOPPED", "kicked by ivsctl vp kick"]);
  });

  test("a stack that exports its roles as outputs resolves from the outputs (a second cluster resource does not matter)", async () => {
    await createStage("moto-stage-out");
    const r = await run(["vp", "invite", "moto-stage-out", "--stack", "moto-vp-out", "-o", "json"]);
    expect(r.code).toBe(0);
    expect(json(r).cluster).toBe("moto-vp-exported");
  });

  test("two clusters and no output naming one: exit 3, candidates listed", async () => {
    const r = await run(["vp", "invite", "arn:aws:ivs:us-east-1:123456789012:stage/AbCdEf012345", "--stack", "moto-two"]);
    expect(r.code).toBe(3);
    expect(firstLine(r)).toBe("error: stack moto-two: cluster is ambiguous: A (moto-a); B (moto-b)");
    expect(r.stderr).toContain("hint: choose one: pass --cluster, or set IVSCTL_CLUSTER");
    const list = await run(["vp", "list", "--stack", "moto-two"]);
    expect(list.code).toBe(3);
  });
});
