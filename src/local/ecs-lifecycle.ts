/**
 * An emulated ECS task's life as a pure function of time: `refresh(task, now)` says where the task
 * stands at `now`, without touching the store or the stage. What it cannot decide alone, it asks for:
 * - `join`: the task has reached RUNNING and its VP container must join the stage first; the caller
 *   records the stage's answer in `_vp` (`joined`, or `rejected` with why) and refreshes again;
 * - `leave`: the container stopped after joining; the caller tells the stage.
 *
 * Status: PROVISIONING -> PENDING -> RUNNING, one step each; after a stop STOPPING -> DEPROVISIONING
 * -> STOPPED, one step each (ECS's documented task lifecycle, with the emulator's step length).
 */

export type Status = "PROVISIONING" | "PENDING" | "RUNNING" | "STOPPING" | "DEPROVISIONING" | "STOPPED";
export const START_ORDER: Status[] = ["PROVISIONING", "PENDING", "RUNNING"];

export interface Plan {
  stepMs: number;
  holdAt?: Status;
  stopAt?: Status;
  stopCode?: string;
  stoppedReason?: string;
  exitCode?: number;
  /** Container exits this long after RUNNING. */
  exitAfterMs?: number;
}

export interface VpLink {
  stageArn: string;
  token: string;
  participantId?: string;
  userId?: string;
  attributes?: Record<string, string>;
  /** true: in the stage; false: never joined (no stage to join); undefined: not asked yet. */
  joined?: boolean;
  /** Why the stage refused the token; the container then exits 1. */
  rejected?: string;
  left?: boolean;
  /** The essential containers' environment (what the container process gets). */
  env?: Record<string, string>;
  /** The container runs as a host process (`ivsctl vp run`), which joins and leaves by itself over WHIP. */
  process?: boolean;
}

/** The stored task: the API's Task fields, plus our own (underscore) bookkeeping, never returned. */
export interface TaskDoc {
  taskArn: string;
  clusterArn: string;
  taskDefinitionArn: string;
  group: string;
  launchType: string;
  platformVersion: string;
  platformFamily: string;
  cpu?: string;
  memory?: string;
  availabilityZone: string;
  connectivity: string;
  desiredStatus: "RUNNING" | "STOPPED";
  lastStatus: Status;
  startedBy?: string;
  tags: { key: string; value: string }[];
  overrides: Record<string, unknown>;
  attachments: unknown[];
  containers: { containerArn: string; taskArn: string; name: string; image: string; lastStatus: string; exitCode?: number; reason?: string; cpu?: string; memory?: string; networkInterfaces: unknown[] }[];
  createdAt: number;
  pullStartedAt?: number;
  pullStoppedAt?: number;
  startedAt?: number;
  connectivityAt?: number;
  stoppingAt?: number;
  stoppedAt?: number;
  executionStoppedAt?: number;
  stopCode?: string;
  stoppedReason?: string;
  version: number;
  _plan: Plan;
  /** Epoch ms when the container stopped (exit or stop request), with why. */
  _stop?: { at: number; stopCode: string; reason: string; exitCode?: number; containerReason?: string };
  _vp?: VpLink;
}

export interface Refreshed {
  task: TaskDoc;
  /** The stage must answer this join (at epoch ms `at`) before the task can go on; `task` is then provisional. */
  join?: { at: number };
  /** The container left the stage at epoch ms `at`. */
  leave?: { stageArn: string; participantId: string; at: number };
}

const seconds = (ms: number) => Math.round(ms) / 1000;

/** Where `task` stands at epoch ms `now`. Pure: returns a new task, never changes the one given. */
export function refresh(input: TaskDoc, now: number): Refreshed {
  const task = structuredClone(input);
  const p = task._plan;
  const runningAt = task.createdAt + 2 * p.stepMs;
  // Planned stops: a failure at some start status, or the container exiting after RUNNING.
  if (!task._stop && p.stopAt && !p.holdAt) {
    const at = task.createdAt + START_ORDER.indexOf(p.stopAt) * p.stepMs;
    if (now >= at) {
      const code = p.stopCode ?? (p.stopAt === "RUNNING" ? "EssentialContainerExited" : "TaskFailedToStart");
      task._stop = { at, stopCode: code, reason: p.stoppedReason ?? (code === "EssentialContainerExited" ? "Essential container in task exited" : "Task failed to start"), exitCode: p.exitCode };
    }
  }
  if (!task._stop && p.exitAfterMs !== undefined && !p.holdAt && now >= runningAt + p.exitAfterMs) {
    task._stop = { at: runningAt + p.exitAfterMs, stopCode: "EssentialContainerExited", reason: "Essential container in task exited", exitCode: p.exitCode ?? 1 };
  }
  const capIndex = p.holdAt ? START_ORDER.indexOf(p.holdAt) : 2;
  const startStatus = (t: number): Status => {
    const idx = p.stepMs <= 0 ? 2 : Math.floor((t - task.createdAt) / p.stepMs);
    return START_ORDER[Math.max(0, Math.min(idx, 2, capIndex))]!;
  };
  // RUNNING is reached unless held earlier, and before any stop that comes later.
  const reachedRunning = capIndex === 2 && runningAt <= (task._stop ? Math.min(now, task._stop.at) : now);
  if (reachedRunning) {
    task.startedAt ??= seconds(runningAt);
    task.connectivityAt ??= seconds(task.createdAt + p.stepMs);
    task.pullStartedAt ??= seconds(task.createdAt + p.stepMs);
    task.pullStoppedAt ??= seconds(runningAt);
    if (task._vp && task._vp.joined === undefined && task._vp.rejected === undefined) return { task, join: { at: runningAt } };
    if (task._vp?.rejected !== undefined) {
      // The VP container cannot join: it logs and exits, as the sample's does.
      task._vp.left = true;
      task._stop ??= { at: runningAt, stopCode: "EssentialContainerExited", reason: "Essential container in task exited", exitCode: 1, containerReason: `stage rejected the participant token: ${task._vp.rejected}` };
    }
  }
  let leave: Refreshed["leave"];
  let status: Status;
  if (task._stop && now >= task._stop.at) {
    const since = now - task._stop.at;
    status = since < p.stepMs ? "STOPPING" : since < 2 * p.stepMs ? "DEPROVISIONING" : "STOPPED";
    task.desiredStatus = "STOPPED";
    task.stopCode = task._stop.stopCode;
    task.stoppedReason = task._stop.reason;
    task.stoppingAt ??= seconds(task._stop.at);
    task.executionStoppedAt ??= seconds(task._stop.at);
    if (status === "STOPPED") task.stoppedAt ??= seconds(task._stop.at + 2 * p.stepMs);
    for (const c of task.containers) {
      c.lastStatus = "STOPPED";
      // A container killed by a user stop exits 143 (SIGTERM); one that was never started has no exit code.
      if (task.startedAt !== undefined) c.exitCode ??= task._stop.exitCode ?? (task._stop.stopCode === "UserInitiated" ? 143 : 0);
      if (task._stop.containerReason) c.reason ??= task._stop.containerReason;
    }
    if (task._vp?.joined && !task._vp.left && task._vp.participantId) {
      task._vp.left = true;
      leave = { stageArn: task._vp.stageArn, participantId: task._vp.participantId, at: task._stop.at };
    }
  } else {
    status = startStatus(now);
    for (const c of task.containers) c.lastStatus = status === "RUNNING" ? "RUNNING" : "PENDING";
  }
  task.lastStatus = status;
  return { task, leave };
}

/** Milliseconds until the task's status may change again, or undefined when it will not change by itself. */
export function nextChange(task: TaskDoc): number | undefined {
  if (task.lastStatus === "STOPPED") return undefined;
  if (task.lastStatus === "RUNNING" && !task._stop && task._plan.exitAfterMs === undefined) return undefined;
  if (task._plan.holdAt && task.lastStatus === task._plan.holdAt && !task._stop) return undefined;
  return Math.max(1, task._plan.stepMs / 2);
}
