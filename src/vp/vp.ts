/**
 * `ivsctl vp invite|kick|list`: virtual participants as ECS tasks, resolved from the stack, plus
 * the hooks other features call (key rotation restarts VPs; stage delete stops them).
 */
import type { ECSClient, KeyValuePair, RunTaskCommandInput, Task } from "@aws-sdk/client-ecs";
import { confirmOrRefuse, type Context } from "../cli/context.ts";
import { printDryRun } from "../cli/dry-run.ts";
import { CliError, stateError, toCliError } from "../cli/errors.ts";
import { ExitCode } from "../cli/exit-codes.ts";
import type { HumanView } from "../cli/output.ts";
import { pollUntil } from "../cli/wait.ts";
import { stackResolver } from "../stack/resolve.ts";
import type { StackResolver } from "../stack/resolve.ts";
import type { RoleOverrides } from "../stack/roles.ts";
import { checkInviteOptions, checkKickOptions, checkOverridesSize, checkRoleInputs, isStageArn, startedByFor, VP_ENV, VP_TAG, type InviteOptions, type KickOptions, type ListOptions } from "./options.ts";
import { checkStageRef, disconnectParticipant, getStage, participantState, resolveStage, type MintedToken, type VpStage } from "./stage.ts";
import { containerNameOf, describeTasks, findVpTasks, resolveCluster, resolveTarget, runVpTask, stopVpTask, taskId, toVpTask, type VpTarget, type VpTask } from "./tasks.ts";
import { mintVpToken } from "./token.ts";
import { factCache } from "../aws/cache.ts";
import { VP_ASSET_BASE_ENV } from "../contract/vp-env.ts";
import { sampleOutputValue } from "../stack/kind.ts";
import { arnId } from "../contract/arn.ts";

const TOKEN_PLACEHOLDER = "<minted when the task is run>";

function pollMs(ctx: Context): number {
  const v = Number(ctx.env.IVSCTL_POLL_MS);
  return Number.isFinite(v) && v > 0 ? v : ctx.globals.local ? 150 : 2_000;
}

function vpRows(tasks: VpTask[]): HumanView {
  return {
    kind: "table",
    columns: ["stage", "participant", "status", "desired", "started", "task", "stop reason"],
    rows: tasks.map((t) => [arnId(t.stageArn), t.participantId, t.lastStatus, t.desiredStatus, t.startedAt ?? t.createdAt, taskId(t.taskArn), stopReasonOf(t)]),
  };
}

/** ECS's stop code and reason, and the container's own reason, in one phrase. */
export function stopReasonOf(t: Pick<VpTask, "stopCode" | "stoppedReason" | "containerReason" | "exitCode">): string | undefined {
  if (!t.stopCode && !t.stoppedReason) return undefined;
  const parts = [t.stopCode, t.stoppedReason].filter(Boolean).join(": ");
  const container = t.containerReason ? `; container: ${t.containerReason}` : "";
  const exit = t.exitCode !== undefined && t.stopCode === "EssentialContainerExited" ? ` (exit code ${t.exitCode})` : "";
  return `${parts}${exit}${container}`;
}

/** The JSON of one VP task: ECS's names, minus the environment (it holds the token). */
/**
 * The one `vp list` shape of both backends (README "JSON output contract"): the VP sample's record
 * field names, plus the participant and task ARN. An ivsctl VP is its ECS task: id = the task id.
 */
export function vpJson(t: VpTask) {
  const id = taskId(t.taskArn);
  return {
    id,
    status: t.lastStatus ?? "PROVISIONING",
    stageArn: t.stageArn ?? null,
    taskId: id,
    assetName: t.asset ?? null,
    updatedAt: (t.stoppedAt ?? t.startedAt ?? t.createdAt)?.toISOString() ?? null,
    lastUpdateSource: "ecs",
    participantId: t.participantId,
    taskArn: t.taskArn,
    desiredStatus: t.desiredStatus,
    ...(t.stopCode ? { stopCode: t.stopCode } : {}),
    ...(t.stoppedReason ? { stoppedReason: t.stoppedReason } : {}),
  };
}

function taskJson(t: VpTask) {
  const { environment: _env, ...rest } = t;
  return rest;
}

function vpEnvironment(stage: VpStage, token: MintedToken | undefined, who: { asset?: string; userId?: string; attributes?: Record<string, string> }, extra: Record<string, string>): KeyValuePair[] {
  const env: Record<string, string> = {
    ...extra,
    [VP_ENV.stageArn]: stage.arn,
    [VP_ENV.token]: token?.token ?? TOKEN_PLACEHOLDER,
    [VP_ENV.participantId]: token?.participantId ?? "",
    [VP_ENV.whipUrl]: stage.whipUrl ?? "",
    [VP_ENV.asset]: who.asset ?? "",
  };
  if (who.userId !== undefined) env[VP_ENV.userId] = who.userId;
  if (who.attributes) env[VP_ENV.attributes] = JSON.stringify(who.attributes);
  return Object.entries(env).map(([name, value]) => ({ name, value }));
}

function runTaskInput(target: VpTarget, container: string, stage: VpStage, token: MintedToken | undefined, environment: KeyValuePair[]): RunTaskCommandInput {
  return {
    cluster: target.cluster,
    taskDefinition: target.taskDefinition,
    launchType: "FARGATE",
    count: 1,
    networkConfiguration: { awsvpcConfiguration: { subnets: target.subnets, securityGroups: target.securityGroups, assignPublicIp: target.assignPublicIp } },
    overrides: { containerOverrides: [{ name: container, environment }] },
    startedBy: startedByFor(stage.arn),
    enableECSManagedTags: true,
    tags: [
      { key: VP_TAG.stage, value: stage.arn },
      { key: VP_TAG.participantId, value: token?.participantId ?? "" },
    ],
  };
}

/** `vp invite <stage>`. */
export async function inviteVp(ctx: Context, opts: InviteOptions): Promise<void> {
  checkStageRef(opts.stage);
  checkInviteOptions(opts, ctx.env);

  const resolver = stackResolver(ctx, opts.overrides);
  const ecs = await ctx.aws.ecs();
  // The stack, the stage and (for an ARN) the stage's running VPs do not depend on each other.
  const knownArn = isStageArn(opts.stage) ? opts.stage : undefined;
  const targetP = resolveTarget(resolver);
  const stageP = resolveStage(ctx, opts.stage);
  const activeP = async (stageArn: string) => findVpTasks(ecs, (await targetP).cluster, { startedBy: startedByFor(stageArn), includeStopped: false, describe: false });
  const earlyActive = knownArn && !opts.force ? activeP(knownArn) : undefined;
  earlyActive?.catch(() => undefined);
  stageP.catch(() => undefined); // awaited below: the stack's errors (exit 3) are reported first
  const target = await targetP;
  const stage = await stageP;
  const [container, active] = await Promise.all([containerNameOf(ecs, target, factCache(ctx.env)), opts.force ? undefined : (earlyActive ?? activeP(stage.arn))]);

  if (active) {
    if (active.arns.length > 0) {
      const { tasks } = await findVpTasks(ecs, target.cluster, { startedBy: startedByFor(stage.arn), includeStopped: false, describe: true });
      const which = tasks.map(toVpTask).map((t) => `task ${taskId(t.taskArn)} (${t.lastStatus}, participant ${t.participantId || "?"})`);
      if (opts.ifNone) {
        // --if-none: the VP the re-run wants is there already; exit 0 and say which.
        ctx.log.info(`stage ${stage.name || stage.arn} already has an active ivsctl VP (--if-none): ${which.join(", ")}`);
        const existing = tasks.map(toVpTask);
        ctx.out.result(
          { stageArn: stage.arn, invited: false, tasks: existing.map(taskJson), cluster: target.cluster },
          { kind: "table", title: "Already active (--if-none):", columns: ["task", "status", "participant"], rows: existing.map((t) => [taskId(t.taskArn), t.lastStatus, t.participantId]) },
        );
        return;
      }
      throw stateError(`stage ${stage.name || stage.arn} already has an active ivsctl VP: ${which.join(", ") || active.arns.map(taskId).join(", ")}`, "AlreadyActive", "kick it first (`ivsctl vp kick`), or add --force to run another");
    }
  }

  const who = { asset: opts.asset, userId: opts.userId, attributes: opts.attributes };
  // Where bare asset names live: the stack's asset bucket (no extra call: the stack is read already).
  const bucket = resolver.name ? sampleOutputValue(await resolver.outputs(), "VideoAssetsBucketName") : undefined;
  const extraEnv = { ...(bucket ? { [VP_ASSET_BASE_ENV]: `s3://${bucket}/` } : {}), ...opts.env };
  if (ctx.globals.dryRun) {
    return printDryRun(ctx, "RunTask", runTaskInput(target, container, stage, undefined, vpEnvironment(stage, undefined, who, extraEnv)) as unknown as Record<string, unknown>);
  }
  const token = await mintVpToken(ctx, resolver, stage, who);
  ctx.log.debug(`participant token: ${token.source}, participant ${token.participantId}`);
  const input = runTaskInput(target, container, stage, token, vpEnvironment(stage, token, who, extraEnv));
  checkOverridesSize(input.overrides);
  let task = await runVpTask(ecs, input);
  if (!opts.force) await settleInviteRace(ctx, ecs, target.cluster, stage, task);
  ctx.log.success(`started VP task ${taskId(task.taskArn!)} on stage ${stage.name || stage.arn} (participant ${token.participantId})`);

  let state: string | undefined;
  if (opts.wait) ({ task, state } = await waitForVp(ctx, ecs, target.cluster, task, stage.arn, token.participantId, opts.timeoutMs ?? 120_000));
  const vp = toVpTask(task);
  ctx.out.result(
    { stageArn: stage.arn, invited: true, participantId: token.participantId, tokenSource: token.source, participantState: state ?? null, task: taskJson(vp), cluster: target.cluster },
    {
      kind: "record",
      fields: [
        ["Stage", stage.arn],
        ["Participant", token.participantId],
        ["Token", token.source],
        ["Task", vp.taskArn],
        ["Status", vp.lastStatus],
        ["Participant state", state],
        ["Asset", vp.asset],
      ],
    },
  );
}

/**
 * Concurrent invites on one stage: ECS has no conditional RunTask, so each starter lists the
 * stage's tasks after its own RunTask. The task with the oldest `createdAt` wins (ties: the lowest
 * task ARN); every other starter stops its own task and exits 5. Alone on the stage (the usual
 * case), it costs one ListTasks.
 */
async function settleInviteRace(ctx: Context, ecs: ECSClient, cluster: string, stage: VpStage, mine: Task): Promise<void> {
  const listed = await findVpTasks(ecs, cluster, { startedBy: startedByFor(stage.arn), includeStopped: false, describe: false });
  if (listed.arns.every((a) => a === mine.taskArn)) return;
  const { tasks } = await findVpTasks(ecs, cluster, { startedBy: startedByFor(stage.arn), includeStopped: false, describe: true });
  const all = tasks.some((t) => t.taskArn === mine.taskArn) ? tasks : [...tasks, mine];
  const rank = (t: Task) => [new Date(t.createdAt ?? 0).getTime(), t.taskArn ?? ""] as const;
  const winner = all.reduce((a, b) => {
    const [ta, aa] = rank(a);
    const [tb, ab] = rank(b);
    return tb < ta || (tb === ta && ab < aa) ? b : a;
  });
  if (winner.taskArn === mine.taskArn) return;
  await stopVpTask(ecs, cluster, mine.taskArn!, "another ivsctl vp invite on this stage won");
  throw stateError(
    `stage ${stage.name || stage.arn} got a VP from a concurrent invite (task ${taskId(winner.taskArn!)}): stopped this one (task ${taskId(mine.taskArn!)})`,
    "AlreadyActive",
    "the stage has its VP; `ivsctl vp list` shows it",
  );
}

/** Poll until the task is RUNNING and the stage shows the participant CONNECTED; a task that stops is exit 5. */
async function waitForVp(ctx: Context, ecs: ECSClient, cluster: string, started: Task, stageArn: string, participantId: string, timeoutMs: number): Promise<{ task: Task; state?: string }> {
  let next: Task | undefined = started;
  const probe = async (): Promise<{ task: Task; state?: string }> => {
    let task = next;
    next = undefined;
    if (!task) {
      try {
        task = (await describeTasks(ecs, cluster, [started.taskArn!]))[0] ?? started;
      } catch (e) {
        throw toCliError(e, `describing task ${taskId(started.taskArn!)}`);
      }
    }
    const vp = toVpTask(task);
    if (vp.lastStatus === "STOPPED" || (vp.desiredStatus === "STOPPED" && vp.stopCode)) {
      throw new CliError(`VP task ${taskId(vp.taskArn)} stopped before it joined: ${stopReasonOf(vp) ?? "no reason given"}`, { exitCode: ExitCode.State, code: vp.stopCode ?? "TaskStopped" });
    }
    if (vp.lastStatus !== "RUNNING") return { task };
    const state = await participantState(ctx, stageArn, participantId).catch((e) => {
      throw toCliError(e, `reading participant ${participantId}`);
    });
    return { task, state };
  };
  const keepsRunning = (e: unknown) => {
    if (e instanceof CliError && e.code === "WaitTimeout") {
      throw new CliError(e.message, { exitCode: e.exitCode, code: e.code, hint: `the task keeps running; stop it with: ivsctl vp kick ${stageArn} --all` });
    }
    throw e;
  };
  return pollUntil(probe, (v) => toVpTask(v.task).lastStatus === "RUNNING" && v.state === "CONNECTED", {
    what: `VP task ${taskId(started.taskArn!)} to run and participant ${participantId} to be CONNECTED`,
    timeoutMs,
    intervalMs: pollMs(ctx),
    now: ctx.now,
    describe: (v) => {
      const vp = toVpTask(v.task);
      const stop = stopReasonOf(vp);
      return `last status ${vp.lastStatus ?? "unknown"} (desired ${vp.desiredStatus ?? "?"}), participant ${v.state ?? "not on the stage"}${stop ? `, stop reason: ${stop}` : ""}`;
    },
  }).catch(keepsRunning);
}

/** `vp kick <stage>`: stop the stage's VP task(s) and disconnect their participants. Nothing to kick is exit 0. */
export async function kickVp(ctx: Context, opts: KickOptions): Promise<void> {
  checkStageRef(opts.stage);
  checkKickOptions(opts, ctx.env);
  const resolver = stackResolver(ctx, opts.overrides);
  const ecs = await ctx.aws.ecs();
  const stageP = resolveStage(ctx, opts.stage);
  stageP.catch(() => undefined); // awaited below, after the stack's errors
  const cluster = await resolveCluster(resolver);
  const stage = await stageP;
  const { tasks } = await findVpTasks(ecs, cluster, { startedBy: startedByFor(stage.arn), includeStopped: false, describe: true });
  let targets = tasks.map(toVpTask);
  if (opts.participantId) targets = targets.filter((t) => t.participantId === opts.participantId);
  if (targets.length === 0) {
    ctx.log.info(`no active ivsctl VP on stage ${stage.name || stage.arn}${opts.participantId ? ` with participant ${opts.participantId}` : ""}: nothing to kick`);
    ctx.out.result({ stageArn: stage.arn, stopped: [] }, { kind: "record", fields: [["Stage", stage.arn], ["Stopped", "nothing (no active VP)"]] });
    return;
  }
  if (targets.length > 1 && !opts.all && !opts.participantId) {
    throw stateError(
      `stage ${stage.name || stage.arn} has ${targets.length} active VPs: ${targets.map((t) => `${t.participantId} (task ${taskId(t.taskArn)})`).join(", ")}`,
      "SeveralVps",
      "add --all to stop every one, or --participant ID for one",
    );
  }
  if (ctx.globals.dryRun) return printDryRun(ctx, "StopTask", { cluster, tasks: targets.map((t) => t.taskArn), reason: "kicked by ivsctl" });
  const stopped = await stopAndDisconnect(ctx, ecs, cluster, targets, "kicked by ivsctl vp kick");
  ctx.log.success(`kicked ${stopped.length} VP${stopped.length === 1 ? "" : "s"} from stage ${stage.name || stage.arn}`);
  ctx.out.result({ stageArn: stage.arn, stopped: stopped.map(taskJson) }, vpRows(stopped));
}

async function stopAndDisconnect(ctx: Context, ecs: ECSClient, cluster: string, targets: VpTask[], reason: string): Promise<VpTask[]> {
  const out: VpTask[] = [];
  for (const t of targets) {
    const task = await stopVpTask(ecs, cluster, t.taskArn, reason);
    // The container leaves when it gets SIGTERM; disconnecting too makes the kick immediate.
    if (t.stageArn && t.participantId) await disconnectParticipant(ctx, t.stageArn, t.participantId, reason);
    out.push(task ? { ...toVpTask(task), stageArn: t.stageArn, participantId: t.participantId, environment: {} } : { ...t, desiredStatus: "STOPPED" });
  }
  return out;
}

/** `vp list [--stage S] [--all]`. */
export async function listVps(ctx: Context, opts: ListOptions): Promise<void> {
  if (opts.stage !== undefined) checkStageRef(opts.stage);
  checkRoleInputs(opts.overrides, ctx.env);
  const resolver = stackResolver(ctx, opts.overrides);
  const ecs = await ctx.aws.ecs();
  const stageP = opts.stage !== undefined ? resolveStage(ctx, opts.stage) : undefined;
  stageP?.catch(() => undefined); // awaited below, after the stack's errors
  const cluster = await resolveCluster(resolver);
  const stage = await stageP;
  const { tasks } = await findVpTasks(ecs, cluster, { startedBy: stage ? startedByFor(stage.arn) : undefined, includeStopped: opts.all, describe: true });
  const vps = tasks.map(toVpTask);
  ctx.out.result({ virtualParticipants: vps.map(vpJson) }, vpRows(vps));
}

/** `vp stop`: stop every running ivsctl VP task in the cluster (asks first: --yes off a terminal). */
export async function stopVps(ctx: Context, opts: { overrides: RoleOverrides }): Promise<void> {
  checkRoleInputs(opts.overrides, ctx.env);
  const resolver = stackResolver(ctx, opts.overrides);
  const ecs = await ctx.aws.ecs();
  const cluster = await resolveCluster(resolver);
  const { tasks } = await findVpTasks(ecs, cluster, { includeStopped: false, describe: true });
  const targets = tasks.map(toVpTask);
  if (ctx.globals.dryRun) return printDryRun(ctx, "StopTask", { cluster, tasks: targets.map((t) => t.taskArn), reason: "stopped by ivsctl vp stop" });
  if (targets.length > 0) await confirmOrRefuse(ctx, `Stop ${targets.length} virtual participant task(s) in cluster ${cluster}?`);
  const stopped = await stopAndDisconnect(ctx, ecs, cluster, targets, "stopped by ivsctl vp stop");
  ctx.log.success(`stopped ${stopped.length} VP task(s) in ${cluster}`);
  ctx.out.result(
    { summary: { totalFound: targets.length, successfulStops: stopped.length, failedStops: targets.length - stopped.length }, virtualParticipants: stopped.map(vpJson) },
    vpRows(stopped),
  );
}

/**
 * Key rotation: every running ivsctl VP task in the stack's cluster is replaced by a new task with
 * a token minted now (so signed with the new key), then the old task is stopped. The replacement
 * keeps the stage, asset, user id, attributes and extra environment. Returns how many were restarted.
 */
export async function restartVpTasks(ctx: Context, resolver: StackResolver): Promise<number> {
  const cluster = await resolveOptionalCluster(resolver);
  if (!cluster) return 0;
  const ecs = await ctx.aws.ecs();
  const { tasks } = await findVpTasks(ecs, cluster, { includeStopped: false, describe: true });
  if (tasks.length === 0) return 0;
  const target = await resolveTarget(resolver);
  const rt = await ctx.aws.realtime();
  const stages = new Map<string, VpStage>();
  let restarted = 0;
  for (const old of tasks) {
    const vp = toVpTask(old);
    if (!vp.stageArn) continue;
    let stage = stages.get(vp.stageArn);
    if (!stage) {
      try {
        stage = await getStage(rt, vp.stageArn);
      } catch (e) {
        throw toCliError(e, `reading stage ${vp.stageArn} to restart its VP`);
      }
      stages.set(vp.stageArn, stage);
    }
    const env = vp.environment;
    const attributes = env[VP_ENV.attributes] ? (JSON.parse(env[VP_ENV.attributes]!) as Record<string, string>) : undefined;
    const who = { asset: env[VP_ENV.asset] || undefined, userId: env[VP_ENV.userId], attributes };
    const extra = Object.fromEntries(Object.entries(env).filter(([k]) => !(Object.values(VP_ENV) as string[]).includes(k)));
    const container = old.overrides?.containerOverrides?.[0]?.name ?? (await containerNameOf(ecs, target, factCache(ctx.env)));
    const token = await mintVpToken(ctx, resolver, stage, who);
    await runVpTask(ecs, { ...runTaskInput(target, container, stage, token, vpEnvironment(stage, token, who, extra)), taskDefinition: old.taskDefinitionArn ?? target.taskDefinition });
    await stopAndDisconnect(ctx, ecs, cluster, [vp], "restarted by ivsctl (participant-token key rotated)");
    restarted++;
  }
  return restarted;
}

/**
 * Stage delete: stop every running ivsctl VP task of the stage and disconnect its participant.
 * Without a VP backend (no cluster from flag, env or stack) there is nothing to stop: 0.
 */
export async function stopStageVps(ctx: Context, stageArn: string, resolver: StackResolver = stackResolver(ctx, {})): Promise<number> {
  const cluster = await resolveOptionalCluster(resolver);
  if (!cluster) return 0;
  const ecs = await ctx.aws.ecs();
  const { tasks } = await findVpTasks(ecs, cluster, { startedBy: startedByFor(stageArn), includeStopped: false, describe: true });
  const stopped = await stopAndDisconnect(ctx, ecs, cluster, tasks.map(toVpTask), "stage deleted by ivsctl");
  return stopped.length;
}

async function resolveOptionalCluster(resolver: StackResolver): Promise<string | undefined> {
  const r = await resolver.role("cluster");
  if (r.value === undefined) return undefined;
  return resolveCluster(resolver);
}
