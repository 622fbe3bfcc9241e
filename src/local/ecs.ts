/**
 * Amazon ECS in the emulator (JSON 1.1): Fargate tasks on the seeded (or any stored) cluster and
 * task definition. RunTask, StopTask, ListTasks, DescribeTasks, DescribeTaskDefinition,
 * DescribeClusters.
 *
 * Task status is a function of time (PROVISIONING -> PENDING -> RUNNING, one step each, 300 ms by
 * default; IVSCTL_LOCAL_ECS_STEP_MS changes it), and STOPPING -> DEPROVISIONING -> STOPPED after a
 * stop. It is recomputed whenever a task is read, and a timer also applies it in the background,
 * so a task's side effects happen even when nobody asks.
 *
 * Virtual participants: a task whose container environment holds STAGE_ARN and PARTICIPANT_TOKEN
 * runs `ivsctl vp run` as a host process when it reaches RUNNING (src/local/vp-process.ts): it
 * publishes over WHIP, gets SIGTERM when the task stops, and its exit stops the task with its exit
 * code. With IVSCTL_LOCAL_VP=simulated (no runner), it joins in-process instead (through the stage
 * link, see `StageLink`) and leaves when its container stops; a token the stage rejects makes the
 * container exit (1).
 *
 * Failure switches (POST /_ivsctl/faults, service "ecs", operation "RunTask"):
 * - `{code, status}`: the call fails with that error (any operation), as for every service.
 * - `{failure: {reason, detail?}}`: RunTask answers `tasks: []` and `failures: [{reason, detail}]`,
 *   as ECS does for capacity (`RESOURCE:FARGATE`), `MISSING`, `AGENT` and the like.
 * - `{task: {holdAt?, stopAt?, stopCode?, stoppedReason?, exitCode?}}`: the tasks of that RunTask
 *   stay in `holdAt` forever, or stop when they reach `stopAt` (default stopCode TaskFailedToStart).
 * And in a task's container environment: IVSCTL_LOCAL_EXIT_AFTER=<duration> (e.g. 500ms, 2s) makes
 * the container exit that long after RUNNING, with IVSCTL_LOCAL_EXIT_CODE (default 1).
 */
import { randomBytes } from "node:crypto";
import { parseArn } from "../contract/arn.ts";
import { VP_ENV } from "../contract/vp-env.ts";
import { STACK_KIND, type StackDoc } from "./cloudformation.ts";
import { nextChange, refresh, type Status, type TaskDoc } from "./ecs-lifecycle.ts";
import { checkRunTask, clientException, invalidParameter, type ContainerOverride, type TaskDefinitionDoc } from "./ecs-runtask.ts";
import { ServiceError } from "./errors.ts";
import { paginate } from "./ids.ts";
import { SEED_KIND } from "./kinds.ts";
import type { EmulatedService, RequestContext } from "./service.ts";
import type { Store } from "./store.ts";
import type { VpExit, VpProcessRunner } from "./vp-process.ts";

export type { TaskDefinitionDoc } from "./ecs-runtask.ts";

export const ECS_KIND = {
  cluster: SEED_KIND.ecsCluster,
  taskDefinition: SEED_KIND.ecsTaskDefinition,
  task: "ecs:task",
} as const;

interface ClusterDoc {
  clusterArn: string;
  clusterName: string;
  status: string;
}

/** What the stage side of the emulator offers ECS: join with a token, leave. Errors mean "rejected". */
export interface StageLink {
  join(store: Store, stageArn: string, who: { participantId?: string; userId?: string; attributes?: Record<string, string>; token: string }, now: Date): unknown;
  leave(store: Store, stageArn: string, participantId: string, now: Date): unknown;
}

const invalid = invalidParameter;
const clientError = clientException;
const STATUSES = new Set<Status>(["PROVISIONING", "PENDING", "RUNNING"]);

function parseDurationMs(v: string | undefined): number | undefined {
  if (v === undefined) return undefined;
  const m = /^(\d+(?:\.\d+)?)(ms|s|m)?$/.exec(v.trim());
  if (!m) return undefined;
  return Number(m[1]) * (m[2] === "ms" ? 1 : m[2] === "m" ? 60_000 : 1000);
}

function findCluster(ctx: RequestContext, ref: string | undefined): ClusterDoc {
  const name = ref ?? "default";
  const all = ctx.store.list<ClusterDoc>(ECS_KIND.cluster);
  const hit = all.find((c) => c.clusterArn === name || c.clusterName === name);
  if (!hit || hit.status !== "ACTIVE") throw new ServiceError("ClusterNotFoundException", "Cluster not found.", 400);
  return hit;
}

/** family, family:revision or ARN; a bare family means its latest ACTIVE revision. */
export function findTaskDefinition(store: Store, ref: string): TaskDefinitionDoc | undefined {
  const all = store.list<TaskDefinitionDoc>(ECS_KIND.taskDefinition);
  if (ref.startsWith("arn:")) return all.find((t) => t.taskDefinitionArn === ref);
  const [family, rev] = ref.split(":");
  const matches = all.filter((t) => t.family === family && (rev === undefined ? t.status === "ACTIVE" : t.revision === Number(rev)));
  return matches.sort((a, b) => b.revision - a.revision)[0];
}

/** Subnet ids a stored stack declares: the emulator's idea of "subnets that exist". */
function knownSubnets(store: Store): Set<string> {
  const ids = new Set<string>();
  for (const s of store.list<StackDoc>(STACK_KIND)) for (const r of s.Resources) if (r.ResourceType === "AWS::EC2::Subnet") ids.add(r.PhysicalResourceId);
  return ids;
}

export interface EcsOptions {
  /** Milliseconds per lifecycle step (default IVSCTL_LOCAL_ECS_STEP_MS, else 300). */
  stepMs?: number;
  stage?: StageLink;
  /** Run each VP task's container as an `ivsctl vp run` host process (else the in-process join). */
  vpProcess?: VpProcessRunner;
}

/** What a fault that does not throw may carry into RunTask (see server.ts `Fault`). */
interface InjectedFault {
  failure?: { reason: string; detail?: string; arn?: string };
  task?: { holdAt?: string; stopAt?: string; stopCode?: string; stoppedReason?: string; exitCode?: number };
}

export function createEcsService(opts: EcsOptions = {}): EmulatedService {
  const stepMs = () => opts.stepMs ?? (Number(process.env.IVSCTL_LOCAL_ECS_STEP_MS) >= 0 && process.env.IVSCTL_LOCAL_ECS_STEP_MS ? Number(process.env.IVSCTL_LOCAL_ECS_STEP_MS) : 300);

  /**
   * Bring a stored task up to `now` (the pure `refresh` of ecs-lifecycle.ts), carrying out what it
   * asks of the stage, and persist it when something changed.
   */
  function advance(store: Store, stored: TaskDoc, now: number): TaskDoc {
    let next = refresh(stored, now);
    if (next.join) {
      const vp = next.task._vp!;
      if (opts.vpProcess) {
        const taskArn = next.task.taskArn;
        opts.vpProcess.start(taskArn, vp.env ?? {}, (exit) => containerExited(store, taskArn, exit));
        vp.joined = true;
        vp.process = true;
      } else if (!opts.stage) vp.joined = false;
      else {
        try {
          opts.stage.join(store, vp.stageArn, { participantId: vp.participantId, userId: vp.userId, attributes: vp.attributes, token: vp.token }, new Date(next.join.at));
          vp.joined = true;
        } catch (e) {
          vp.rejected = (e as Error).message;
        }
      }
      next = refresh(next.task, now);
    }
    // A container process leaves the stage itself (WHIP DELETE on SIGTERM).
    if (next.task._vp?.process && next.task._stop && now >= next.task._stop.at) opts.vpProcess?.stop(next.task.taskArn);
    if (next.leave && opts.stage && !next.task._vp?.process) {
      try {
        opts.stage.leave(store, next.leave.stageArn, next.leave.participantId, new Date(next.leave.at));
      } catch {
        // already gone from the stage
      }
    }
    const task = next.task;
    if (JSON.stringify(task) !== JSON.stringify(stored)) {
      task.version += 1;
      store.put(ECS_KIND.task, task.taskArn, task);
    }
    return task;
  }

  /**
   * The container process ended: a task that was not being stopped stops now (EssentialContainerExited);
   * either way its containers report the process's real exit code (vp run exits 0 after a SIGTERM).
   */
  function containerExited(store: Store, taskArn: string, exit: VpExit): void {
    try {
      const task = store.get<TaskDoc>(ECS_KIND.task, taskArn);
      if (!task) return;
      if (!task._stop) {
        task._stop = { at: Date.now(), stopCode: "EssentialContainerExited", reason: "Essential container in task exited", exitCode: exit.code, containerReason: exit.reason.slice(0, 255) || undefined };
      } else {
        task._stop.exitCode = exit.code;
        for (const c of task.containers) if (c.exitCode !== undefined) c.exitCode = exit.code;
      }
      task.version += 1;
      store.put(ECS_KIND.task, taskArn, task);
      schedule(store, taskArn, 0);
    } catch {
      // the store was closed (emulator stopped)
    }
  }

  /** Apply the next status change in the background too, so VPs join without being described. */
  function schedule(store: Store, taskArn: string, delayMs: number): void {
    const t = setTimeout(() => {
      try {
        const task = store.get<TaskDoc>(ECS_KIND.task, taskArn);
        if (!task) return;
        const updated = advance(store, task, Date.now());
        const next = nextChange(updated);
        if (next !== undefined) schedule(store, taskArn, next);
      } catch {
        // the store was closed (emulator stopped): nothing left to do
      }
    }, Math.max(0, delayMs));
    (t as { unref?: () => void }).unref?.();
  }

  function load(ctx: RequestContext, arn: string): TaskDoc | undefined {
    const t = ctx.store.get<TaskDoc>(ECS_KIND.task, arn);
    return t ? advance(ctx.store, t, ctx.now().getTime()) : undefined;
  }

  /** A task ARN, or a task id within the given cluster. */
  function taskArnFor(cluster: ClusterDoc, ref: string): string {
    if (ref.startsWith("arn:")) return ref;
    const arn = parseArn(cluster.clusterArn)!;
    return `arn:aws:ecs:${arn.region}:${arn.account}:task/${cluster.clusterName}/${ref}`;
  }

  function view(task: TaskDoc, includeTags: boolean): Record<string, unknown> {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(task)) if (!k.startsWith("_") && v !== undefined) out[k] = v;
    if (!includeTags) delete out.tags;
    return out;
  }

  function runTask(input: any, ctx: RequestContext & { fault?: InjectedFault }) {
    const cluster = findCluster(ctx, input.cluster);
    const td = findTaskDefinition(ctx.store, input.taskDefinition);
    if (!td) throw clientError("TaskDefinition not found.");
    const { count, subnets, tags, overrides } = checkRunTask(input, td, knownSubnets(ctx.store));
    if (ctx.fault?.failure) {
      const f = ctx.fault.failure;
      return { tasks: [], failures: [{ arn: f.arn ?? cluster.clusterArn, reason: f.reason, detail: f.detail }] };
    }
    const injected = ctx.fault?.task;
    for (const s of [injected?.holdAt, injected?.stopAt]) if (s !== undefined && !STATUSES.has(s as Status)) throw new ServiceError("InternalFailure", `fault: task status ${s} is not PROVISIONING, PENDING or RUNNING`, 500);

    const now = ctx.now().getTime();
    const region = parseArn(cluster.clusterArn)!.region;
    const account = parseArn(cluster.clusterArn)!.account;
    const tasks: TaskDoc[] = [];
    for (let i = 0; i < count; i++) {
      const id = randomBytes(16).toString("hex");
      const taskArn = `arn:aws:ecs:${region}:${account}:task/${cluster.clusterName}/${id}`;
      const env = new Map<string, string>();
      const containers = td.containerDefinitions.map((c) => {
        const o = (overrides.containerOverrides ?? []).find((x: ContainerOverride) => x.name === c.name);
        if (c.essential !== false) {
          for (const kv of [...(c.environment ?? []), ...(o?.environment ?? [])]) env.set(kv.name, kv.value);
        }
        return {
          containerArn: `arn:aws:ecs:${region}:${account}:container/${cluster.clusterName}/${id}/${crypto.randomUUID()}`,
          taskArn,
          name: c.name,
          image: c.image,
          lastStatus: "PENDING",
          cpu: c.cpu !== undefined ? String(c.cpu) : undefined,
          memory: c.memory !== undefined ? String(c.memory) : undefined,
          networkInterfaces: [],
        };
      });
      const subnet = subnets[i % Math.max(1, subnets.length)];
      const exitAfterMs = parseDurationMs(env.get("IVSCTL_LOCAL_EXIT_AFTER"));
      const exitCode = env.has("IVSCTL_LOCAL_EXIT_CODE") ? Number(env.get("IVSCTL_LOCAL_EXIT_CODE")) : injected?.exitCode;
      let attributes: Record<string, string> | undefined;
      try {
        attributes = env.has(VP_ENV.attributes) ? (JSON.parse(env.get(VP_ENV.attributes)!) as Record<string, string>) : undefined;
      } catch {
        attributes = undefined;
      }
      const task: TaskDoc = {
        taskArn,
        clusterArn: cluster.clusterArn,
        taskDefinitionArn: td.taskDefinitionArn,
        group: input.group ?? `family:${td.family}`,
        launchType: "FARGATE",
        platformVersion: !input.platformVersion || input.platformVersion === "LATEST" ? "1.4.0" : input.platformVersion,
        platformFamily: "Linux",
        cpu: overrides.cpu ?? td.cpu,
        memory: overrides.memory ?? td.memory,
        availabilityZone: `${region}${"abc"[i % 3]}`,
        connectivity: "CONNECTED",
        desiredStatus: "RUNNING",
        lastStatus: "PROVISIONING",
        startedBy: input.startedBy,
        tags,
        overrides: { containerOverrides: [], inferenceAcceleratorOverrides: [], ...overrides },
        attachments: subnet
          ? [
              {
                id: crypto.randomUUID(),
                type: "ElasticNetworkInterface",
                status: "ATTACHED",
                details: [
                  { name: "subnetId", value: subnet },
                  { name: "networkInterfaceId", value: `eni-${randomBytes(9).toString("hex").slice(0, 17)}` },
                  { name: "privateIPv4Address", value: `10.0.${1 + (i % 250)}.${10 + Math.floor(Math.random() * 200)}` },
                ],
              },
            ]
          : [],
        containers,
        createdAt: now, // ms here, for the arithmetic; apiView gives the API's seconds
        version: 1,
        _plan: { stepMs: stepMs(), holdAt: injected?.holdAt as Status | undefined, stopAt: injected?.stopAt as Status | undefined, stopCode: injected?.stopCode, stoppedReason: injected?.stoppedReason, exitCode, exitAfterMs },
        _vp:
          env.get(VP_ENV.stageArn) && env.get(VP_ENV.token)
            ? { stageArn: env.get(VP_ENV.stageArn)!, token: env.get(VP_ENV.token)!, participantId: env.get(VP_ENV.participantId) || undefined, userId: env.get(VP_ENV.userId) || undefined, attributes, env: Object.fromEntries(env) }
            : undefined,
      };
      ctx.store.put(ECS_KIND.task, taskArn, task);
      schedule(ctx.store, taskArn, Math.max(1, task._plan.stepMs / 2));
      tasks.push(task);
    }
    return { tasks: tasks.map((t) => apiView(t, true)), failures: [] };
  }

  /** The API's view: seconds for every timestamp. */
  function apiView(task: TaskDoc, includeTags: boolean) {
    const v = view(task, includeTags);
    v.createdAt = task.createdAt / 1000;
    return v;
  }

  function stopTask(input: any, ctx: RequestContext) {
    const cluster = findCluster(ctx, input.cluster);
    const arn = taskArnFor(cluster, input.task);
    const task = load(ctx, arn);
    if (!task || task.clusterArn !== cluster.clusterArn) throw invalid("The referenced task was not found.");
    if (!task._stop) {
      const at = ctx.now().getTime();
      const stopping: TaskDoc = { ...task, _stop: { at, stopCode: "UserInitiated", reason: input.reason ?? "Task stopped by user" } };
      ctx.store.put(ECS_KIND.task, arn, stopping);
      const stopped = advance(ctx.store, stopping, at);
      schedule(ctx.store, arn, task._plan.stepMs);
      return { task: apiView(stopped, false) };
    }
    return { task: apiView(task, false) };
  }

  function listTasks(input: any, ctx: RequestContext) {
    const cluster = findCluster(ctx, input.cluster);
    if (input.desiredStatus && !["RUNNING", "PENDING", "STOPPED"].includes(input.desiredStatus)) throw invalid("Invalid desiredStatus.");
    const nowMs = ctx.now().getTime();
    const tasks = ctx.store
      .list<TaskDoc>(ECS_KIND.task)
      .filter((t) => t.clusterArn === cluster.clusterArn)
      .map((t) => advance(ctx.store, t, nowMs))
      .filter((t) => {
        if (input.startedBy !== undefined && t.startedBy !== input.startedBy) return false;
        if (input.family !== undefined && t.group !== `family:${input.family}` && !t.taskDefinitionArn.includes(`:task-definition/${input.family}:`)) return false;
        // ECS: desiredStatus RUNNING (the default) lists tasks ECS wants running; PENDING has no match on Fargate.
        const want = input.desiredStatus ?? "RUNNING";
        return want === "PENDING" ? false : t.desiredStatus === want;
      });
    const { page, nextToken } = paginate(tasks, input.nextToken, input.maxResults, 100);
    return { taskArns: page.map((t) => t.taskArn), nextToken };
  }

  function describeTasks(input: any, ctx: RequestContext) {
    const cluster = findCluster(ctx, input.cluster);
    const refs: string[] = input.tasks ?? [];
    if (refs.length === 0) throw invalid("Tasks cannot be empty.");
    if (refs.length > 100) throw invalid("Tasks can have at most 100 items.");
    const includeTags = ((input.include ?? []) as string[]).includes("TAGS");
    const tasks: unknown[] = [];
    const failures: { arn: string; reason: string }[] = [];
    for (const ref of refs) {
      const arn = taskArnFor(cluster, ref);
      const t = load(ctx, arn);
      if (t && t.clusterArn === cluster.clusterArn) tasks.push(apiView(t, includeTags));
      else failures.push({ arn, reason: "MISSING" });
    }
    return { tasks, failures };
  }

  function describeTaskDefinition(input: any, ctx: RequestContext) {
    const td = findTaskDefinition(ctx.store, input.taskDefinition);
    if (!td) throw clientError("Unable to describe task definition.");
    const includeTags = ((input.include ?? []) as string[]).includes("TAGS");
    return { taskDefinition: td, ...(includeTags ? { tags: [] } : {}) };
  }

  function describeClusters(input: any, ctx: RequestContext) {
    const refs: string[] = input.clusters?.length ? input.clusters : ["default"];
    const all = ctx.store.list<ClusterDoc>(ECS_KIND.cluster);
    const clusters: unknown[] = [];
    const failures: { arn: string; reason: string }[] = [];
    for (const ref of refs) {
      const c = all.find((x) => x.clusterArn === ref || x.clusterName === ref);
      if (c) {
        const running = ctx.store.list<TaskDoc>(ECS_KIND.task).filter((t) => t.clusterArn === c.clusterArn && t.desiredStatus === "RUNNING");
        clusters.push({ ...c, runningTasksCount: running.length, pendingTasksCount: 0, activeServicesCount: 0, registeredContainerInstancesCount: 0, capacityProviders: ["FARGATE", "FARGATE_SPOT"] });
      } else failures.push({ arn: ref.startsWith("arn:") ? ref : `arn:aws:ecs:${ctx.region}:${ctx.account}:cluster/${ref}`, reason: "MISSING" });
    }
    return { clusters, failures };
  }

  return {
    name: "ecs",
    protocol: "json",
    operations: {
      RunTask: runTask,
      StopTask: stopTask,
      ListTasks: listTasks,
      DescribeTasks: describeTasks,
      DescribeTaskDefinition: describeTaskDefinition,
      DescribeClusters: describeClusters,
    },
  };
}
