/**
 * Virtual participants: the names ivsctl and the VP container agree on, and the input checks that
 * run before any AWS call. Pure: no SDK (the emulator imports the environment contract too).
 */
import { parseArn } from "../contract/arn.ts";
import { isArnOf } from "../aws/resolve.ts";
import { usageError } from "../cli/errors.ts";
import type { RoleOverrides } from "../stack/roles.ts";

export { VP_ENV } from "../contract/vp-env.ts";
export { checkRoleInputs } from "../stack/roles.ts";
import { checkRoleInputs } from "../stack/roles.ts";
import type { Env } from "../cli/io.ts";
import { checkDurationMs, MAX_TIMER_MS } from "../cli/duration.ts";
import { checkParticipantId, checkTokenOptions, DEFAULT_DURATION_MINUTES } from "../tokens/participant.ts";
import { VP_ENV } from "../contract/vp-env.ts";

const CONTRACT_NAMES = new Set<string>(Object.values(VP_ENV));

/** Tags on every VP task, and the startedBy prefix ListTasks filters on (stage id appended). */
export const VP_TAG = { stage: "ivsctl:stage", participantId: "ivsctl:participant-id", asset: "ivsctl:asset" } as const;
export const STARTED_BY_PREFIX = "ivsctl-vp-";

export const isStageArn = (value: string): boolean => isArnOf(value, "ivs", "stage");

/** startedBy for a stage's VP tasks: `ivsctl-vp-<stage id>` (22 characters, within ECS's limit). */
export function startedByFor(stageArn: string): string {
  if (!isStageArn(stageArn)) throw usageError(`not a stage ARN: "${stageArn}"`);
  return `${STARTED_BY_PREFIX}${parseArn(stageArn)!.resourceId}`;
}

export interface InviteOptions {
  stage: string;
  asset?: string;
  userId?: string;
  attributes?: Record<string, string>;
  /** Extra container environment (`--env NAME=VALUE`), never one of the contract's names. */
  env: Record<string, string>;
  wait: boolean;
  /** How long --wait waits (default 2 minutes); only with --wait. */
  timeoutMs?: number;
  force: boolean;
  /** --if-none: a stage that already has an active ivsctl VP is success (exit 0, `invited: false`), not exit 5. */
  ifNone?: boolean;
  overrides: RoleOverrides;
}

export interface KickOptions {
  stage: string;
  all: boolean;
  participantId?: string;
  /** VP-sample stacks: wait until the VP is AVAILABLE again. */
  wait?: boolean;
  timeoutMs?: number;
  overrides: RoleOverrides;
}

export interface ListOptions {
  stage?: string;
  all: boolean;
  overrides: RoleOverrides;
}

/** `--env NAME=VALUE` (repeatable): extra container environment. The contract's names are ivsctl's. */
export function parseEnv(pairs: string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const p of pairs) {
    const eq = p.indexOf("=");
    const name = eq > 0 ? p.slice(0, eq) : "";
    if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(name)) throw usageError(`--env must be NAME=VALUE with a shell-style name (got "${p}")`);
    if (CONTRACT_NAMES.has(name)) throw usageError(`--env ${name}: ivsctl sets ${name} itself`, `the VP environment contract: ${[...CONTRACT_NAMES].join(", ")}`);
    out[name] = p.slice(eq + 1);
  }
  return out;
}

export function checkAsset(asset: string | undefined): void {
  if (asset !== undefined && !/^[\w][\w./-]{0,1023}$/.test(asset)) throw usageError(`--asset must be an object name (letters, digits, _ . / -), got "${asset}"`);
}

/** What `vp invite` can check offline, on either backend (the stage reference is checked apart). */
export function checkInviteOptions(opts: InviteOptions, env: Env): void {
  checkRoleInputs(opts.overrides, env);
  checkTokenOptions({ userId: opts.userId, attributes: opts.attributes, capabilities: ["PUBLISH", "SUBSCRIBE"], durationMinutes: DEFAULT_DURATION_MINUTES });
  checkAsset(opts.asset);
  if (opts.ifNone && opts.force) throw usageError("--if-none and --force contradict each other");
  checkWaitTimeout(opts);
}

/** What `vp kick` can check offline, on either backend. */
export function checkKickOptions(opts: KickOptions, env: Env): void {
  checkRoleInputs(opts.overrides, env);
  if (opts.participantId !== undefined) checkParticipantId(opts.participantId, "--participant");
  if (opts.participantId !== undefined && opts.all) throw usageError("--participant and --all contradict each other");
  checkWaitTimeout(opts);
}

function checkWaitTimeout(opts: { wait?: boolean; timeoutMs?: number }): void {
  if (opts.timeoutMs !== undefined && !opts.wait) throw usageError("--timeout applies only with --wait");
  if (opts.timeoutMs !== undefined && opts.timeoutMs <= 0) throw usageError("--timeout must be more than 0");
  if (opts.timeoutMs !== undefined) checkDurationMs(opts.timeoutMs, "--timeout", MAX_TIMER_MS);
}

/**
 * ECS RunTask takes at most 8192 characters of `overrides`, JSON formatting included (ECS API
 * reference, RunTask: overrides). The token and the attributes (twice: in the token and in
 * PARTICIPANT_ATTRIBUTES) make most of it; over the limit is exit 2 before RunTask, saying by how much.
 */
export const MAX_OVERRIDES_CHARS = 8192;
export function checkOverridesSize(overrides: unknown): void {
  const size = JSON.stringify(overrides).length;
  if (size > MAX_OVERRIDES_CHARS) {
    throw usageError(`the VP's container overrides would be ${size} characters, ${size - MAX_OVERRIDES_CHARS} over ECS RunTask's limit of ${MAX_OVERRIDES_CHARS}`, "send fewer or shorter --attribute / --env values");
  }
}
