/**
 * Virtual participants: the names ivsctl and the VP container agree on, and the input checks that
 * run before any AWS call. Pure: no SDK (the emulator imports the environment contract too).
 */
import { parseArn } from "../contract/arn.ts";
import { isArnOf } from "../aws/resolve.ts";
import { usageError, configError } from "../cli/errors.ts";
import type { Env } from "../cli/io.ts";
import { ROLE_SPECS, type RoleName, type RoleOverrides } from "../stack/roles.ts";

export { VP_ENV } from "../contract/vp-env.ts";
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
  dryRun: boolean;
}

export interface KickOptions {
  stage: string;
  all: boolean;
  participantId?: string;
  overrides: RoleOverrides;
  dryRun: boolean;
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

const SUBNET_ID = /^subnet-[0-9a-f]{8}(?:[0-9a-f]{9})?$/;
const SG_ID = /^sg-[0-9a-f]{8}(?:[0-9a-f]{9})?$/;
const CLUSTER = /^(arn:aws[a-z-]*:ecs:[a-z0-9-]+:\d{12}:cluster\/)?[a-zA-Z0-9_-]{1,255}$/;
const TASK_DEFINITION = /^(arn:aws[a-z-]*:ecs:[a-z0-9-]+:\d{12}:task-definition\/)?[a-zA-Z0-9_-]{1,255}(:\d+)?$/;
const CONTAINER_NAME = /^[a-zA-Z0-9_-]{1,255}$/;

/** What each VP role's value must look like; `what` names where it came from in the message. */
function checkRoleValue(role: RoleName, value: string | string[], fail: (m: string) => never): void {
  const list = Array.isArray(value) ? value : [value];
  const one = list[0] ?? "";
  switch (role) {
    case "subnets":
      if (list.length === 0) fail("no subnet ids");
      for (const s of list) if (!SUBNET_ID.test(s)) fail(`"${s}" is not a subnet id (subnet- and 8 or 17 hex digits)`);
      return;
    case "securityGroups":
      if (list.length === 0) fail("no security group ids");
      for (const s of list) if (!SG_ID.test(s)) fail(`"${s}" is not a security group id (sg- and 8 or 17 hex digits)`);
      return;
    case "assignPublicIp":
      if (one !== "ENABLED" && one !== "DISABLED") fail(`must be ENABLED or DISABLED (got "${one}")`);
      return;
    case "cluster":
      if (!CLUSTER.test(one)) fail(`"${one}" is not an ECS cluster name or ARN`);
      return;
    case "taskDefinition":
      if (!TASK_DEFINITION.test(one)) fail(`"${one}" is not a task definition (family, family:revision or ARN)`);
      return;
    case "containerName":
      if (!CONTAINER_NAME.test(one)) fail(`"${one}" is not a container name`);
      return;
    default:
      return;
  }
}

const splitList = (v: string) => v.split(",").map((s) => s.trim()).filter(Boolean);
const VP_ROLES: RoleName[] = ["cluster", "taskDefinition", "containerName", "subnets", "securityGroups", "assignPublicIp"];

/** Flags and environment variables that name VP roles: checked before any call (exit 2). */
export function checkRoleInputs(overrides: RoleOverrides, env: Env): void {
  for (const role of VP_ROLES) {
    const spec = ROLE_SPECS[role];
    const given = overrides[role] !== undefined ? { v: overrides[role]!, from: `--${spec.flag}` } : env[spec.env] ? { v: env[spec.env]!, from: spec.env } : undefined;
    if (!given) continue;
    const value = role === "subnets" || role === "securityGroups" ? splitList(given.v) : given.v;
    checkRoleValue(role, value, (m) => {
      throw usageError(`${given.from}: ${m}`);
    });
  }
}

/** A value the stack supplied that cannot be right: the stack is misconfigured (exit 3). */
export function checkResolvedRole(role: RoleName, value: string | string[], from: string | undefined): void {
  checkRoleValue(role, value, (m) => {
    throw configError(`${ROLE_SPECS[role].description}: ${m} (from ${from ?? "the stack"})`, `override it with --${ROLE_SPECS[role].flag}`);
  });
}
