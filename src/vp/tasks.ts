/**
 * VP tasks on ECS: where they run (resolved from the stack), finding them again (startedBy and
 * tags), running and stopping them, and turning ECS's answers into ivsctl's errors.
 */
import {
  DescribeTaskDefinitionCommand,
  DescribeTasksCommand,
  ListTasksCommand,
  RunTaskCommand,
  StopTaskCommand,
  type ECSClient,
  type RunTaskCommandInput,
  type Task,
} from "@aws-sdk/client-ecs";
import { CliError, configError, toCliError } from "../cli/errors.ts";
import { ExitCode } from "../cli/exit-codes.ts";
import type { StackResolver } from "../stack/resolve.ts";
import type { RoleName } from "../stack/roles.ts";
import { checkResolvedRole, roleList, roleString } from "../stack/roles.ts";
import { STARTED_BY_PREFIX, VP_ENV, VP_TAG } from "./options.ts";
import type { FactCache } from "../aws/cache.ts";
import { arnId } from "../contract/arn.ts";

/** Where VP tasks run. */
export interface VpTarget {
  cluster: string;
  taskDefinition: string;
  /** Undefined until known: the task definition's first container is used then. */
  containerName?: string;
  subnets: string[];
  securityGroups: string[];
  assignPublicIp: "ENABLED" | "DISABLED";
}

const one = roleString;
const many = roleList;

async function checked(resolver: StackResolver, role: RoleName): Promise<string | string[]> {
  const r = await resolver.required(role);
  if (r.source !== "flag" && r.source !== "env") checkResolvedRole(role, r.value, r.from);
  return r.value;
}

/** Only the cluster (list, kick). */
export async function resolveCluster(resolver: StackResolver): Promise<string> {
  return one(await checked(resolver, "cluster"));
}

/** Everything RunTask needs. Roles resolve concurrently over one DescribeStacks and one ListStackResources. */
export async function resolveTarget(resolver: StackResolver): Promise<VpTarget> {
  const [cluster, taskDefinition, subnets, securityGroups, assignPublicIp, container] = await Promise.all([
    checked(resolver, "cluster"),
    checked(resolver, "taskDefinition"),
    checked(resolver, "subnets"),
    checked(resolver, "securityGroups"),
    checked(resolver, "assignPublicIp"),
    resolver.role("containerName"),
  ]);
  if (container.value !== undefined && container.source !== "flag" && container.source !== "env") checkResolvedRole("containerName", container.value, container.from);
  return {
    cluster: one(cluster),
    taskDefinition: one(taskDefinition),
    containerName: container.value === undefined ? undefined : one(container.value),
    subnets: many(subnets),
    securityGroups: many(securityGroups),
    assignPublicIp: one(assignPublicIp).toUpperCase() === "DISABLED" ? "DISABLED" : "ENABLED",
  };
}

/** The container that receives the VP environment: the role, else the task definition's first. */
export async function containerNameOf(ecs: ECSClient, target: VpTarget, cache?: FactCache): Promise<string> {
  if (target.containerName) return target.containerName;
  // A task definition revision is immutable: its container name can be remembered (full ARNs only,
  // which name the account and region; a bare family means "latest" and is always asked).
  const key = /^arn:aws[a-z-]*:ecs:[^:]+:\d{12}:task-definition\/.+:\d+$/.test(target.taskDefinition) ? `task-definition-container:${target.taskDefinition}` : undefined;
  const cached = key ? cache?.get<string>(key) : undefined;
  if (cached) return cached;
  try {
    const { taskDefinition } = await ecs.send(new DescribeTaskDefinitionCommand({ taskDefinition: target.taskDefinition }));
    const name = taskDefinition?.containerDefinitions?.[0]?.name;
    if (!name) throw configError(`task definition ${target.taskDefinition} has no containers`);
    if (key) cache?.set(key, name);
    return name;
  } catch (e) {
    throw ecsError(e, `reading task definition ${target.taskDefinition}`);
  }
}

/** A VP task as ivsctl shows it. JSON keeps ECS's field names. */
export interface VpTask {
  taskArn: string;
  stageArn?: string;
  participantId?: string;
  asset?: string;
  lastStatus?: string;
  desiredStatus?: string;
  createdAt?: Date;
  startedAt?: Date;
  stoppedAt?: Date;
  stopCode?: string;
  stoppedReason?: string;
  startedBy?: string;
  /** The container's own exit reason, when ECS gives one. */
  containerReason?: string;
  exitCode?: number;
  /** The VP container environment minus the token (for restarts). */
  environment: Record<string, string>;
}

export function toVpTask(t: Task): VpTask {
  const tags = Object.fromEntries((t.tags ?? []).map((x) => [x.key ?? "", x.value ?? ""]));
  const environment: Record<string, string> = {};
  for (const o of t.overrides?.containerOverrides ?? []) for (const kv of o.environment ?? []) if (kv.name) environment[kv.name] = kv.value ?? "";
  const container = t.containers?.find((c) => c.reason || c.exitCode !== undefined) ?? t.containers?.[0];
  return {
    taskArn: t.taskArn!,
    stageArn: tags[VP_TAG.stage] || environment[VP_ENV.stageArn],
    participantId: tags[VP_TAG.participantId] || environment[VP_ENV.participantId],
    asset: environment[VP_ENV.asset] || undefined,
    lastStatus: t.lastStatus,
    desiredStatus: t.desiredStatus,
    createdAt: t.createdAt,
    startedAt: t.startedAt,
    stoppedAt: t.stoppedAt,
    stopCode: t.stopCode,
    stoppedReason: t.stoppedReason || undefined,
    startedBy: t.startedBy,
    containerReason: container?.reason || undefined,
    exitCode: container?.exitCode ?? undefined,
    environment,
  };
}

/** A task's short id (the last ARN segment), as the console shows it. */
export const taskId = (arn: string) => arnId(arn);

export function isVpTask(t: Task): boolean {
  return (t.startedBy ?? "").startsWith(STARTED_BY_PREFIX) || (t.tags ?? []).some((x) => x.key === VP_TAG.stage);
}

/** Task ARNs for a filter, across pages. */
async function listArns(ecs: ECSClient, cluster: string, filter: { startedBy?: string; desiredStatus: "RUNNING" | "STOPPED" }): Promise<string[]> {
  const arns: string[] = [];
  let nextToken: string | undefined;
  do {
    const page = await ecs.send(new ListTasksCommand({ cluster, ...filter, nextToken }));
    arns.push(...(page.taskArns ?? []));
    nextToken = page.nextToken;
  } while (nextToken);
  return arns;
}

/** DescribeTasks (with tags), 100 at a time. */
export async function describeTasks(ecs: ECSClient, cluster: string, arns: string[]): Promise<Task[]> {
  const out: Task[] = [];
  for (let i = 0; i < arns.length; i += 100) {
    const r = await ecs.send(new DescribeTasksCommand({ cluster, tasks: arns.slice(i, i + 100), include: ["TAGS"] }));
    out.push(...(r.tasks ?? []));
  }
  return out;
}

/**
 * VP tasks in the cluster: those of one stage (`startedBy`), or every ivsctl VP; running ones, or
 * stopped ones too (ECS keeps those for about an hour).
 */
export async function findVpTasks(ecs: ECSClient, cluster: string, opts: { startedBy?: string; includeStopped: boolean; describe: boolean }): Promise<{ arns: string[]; tasks: Task[] }> {
  try {
    const arns = await listArns(ecs, cluster, { startedBy: opts.startedBy, desiredStatus: "RUNNING" });
    if (opts.includeStopped) arns.push(...(await listArns(ecs, cluster, { startedBy: opts.startedBy, desiredStatus: "STOPPED" })));
    if (!opts.describe || arns.length === 0) return { arns, tasks: [] };
    const tasks = (await describeTasks(ecs, cluster, arns)).filter(isVpTask);
    return { arns: tasks.map((t) => t.taskArn!), tasks };
  } catch (e) {
    throw ecsError(e, `listing VP tasks in cluster ${cluster}`);
  }
}

export async function runVpTask(ecs: ECSClient, input: RunTaskCommandInput): Promise<Task> {
  let res;
  try {
    res = await ecs.send(new RunTaskCommand(input));
  } catch (e) {
    throw ecsError(e, "running the VP task");
  }
  const failure = res.failures?.[0];
  if (failure || !res.tasks?.length) {
    const reason = failure?.reason ?? "no task started";
    const detail = failure?.detail ? ` (${failure.detail})` : "";
    // Capacity and placement are passing states (retry later); a missing resource is configuration.
    const exitCode = /^MISSING|^INACTIVE|ACCESS|Denied/i.test(reason) ? ExitCode.Config : ExitCode.State;
    throw new CliError(`running the VP task: ECS did not start it: ${reason}${detail}`, { exitCode, code: reason.replace(/[^A-Za-z0-9:_-]/g, "") || "RunTaskFailure" });
  }
  return res.tasks[0]!;
}

export async function stopVpTask(ecs: ECSClient, cluster: string, taskArn: string, reason: string): Promise<Task | undefined> {
  try {
    const { task } = await ecs.send(new StopTaskCommand({ cluster, task: taskArn, reason }));
    return task;
  } catch (e) {
    // Already gone (ECS forgets stopped tasks after a while): kicking it again is not an error.
    if ((e as Error).name === "InvalidParameterException" && /not found/i.test((e as Error).message)) return undefined;
    throw ecsError(e, `stopping task ${taskId(taskArn)}`);
  }
}

/**
 * ECS errors on VP commands: ivsctl checked every value it was given before calling, so a rejected
 * parameter (bad subnet, unknown cluster or task definition) means the stack or environment is
 * misconfigured: exit 3, with ECS's own message.
 */
export function ecsError(e: unknown, action: string): CliError {
  const name = (e as Error)?.name;
  const err = toCliError(e, action);
  if (name === "InvalidParameterException" || name === "ClientException" || name === "ClusterNotFoundException" || name === "PlatformTaskDefinitionIncompatibilityException") {
    return new CliError(err.message, { exitCode: ExitCode.Config, code: err.code, hint: "check the stack's VP resources, or override them with --cluster / --task-definition / --subnets / --security-groups", cause: e });
  }
  return err;
}
