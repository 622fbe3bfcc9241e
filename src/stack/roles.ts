/**
 * The backend roles ivsctl finds in a stack, where each may come from, and what each value must
 * look like: the one owner of role names, value splitting and value checks. Pure: no SDK.
 */
import type { FlagDefs, ParsedArgs } from "../cli/args.ts";
import { configError, usageError } from "../cli/errors.ts";
import type { Env } from "../cli/io.ts";

export interface RoleSpec {
  /** Flag name (without --); also the role's name in output. */
  flag: string;
  env: string;
  /** Output keys that name this role, matched exactly or as the `::Key` suffix of an export name. */
  outputKeys: string[];
  /** CloudFormation resource type that plays this role when no output names it. */
  resourceType?: string;
  /** A list role (subnets) takes every match; a single role with several matches is ambiguous. */
  list?: boolean;
  /** Several comma-separated values, but one output or resource (security groups). */
  multiple?: boolean;
  fallback?: string;
  description: string;
}

export const ROLE_SPECS = {
  cluster: {
    flag: "cluster",
    env: "IVSCTL_CLUSTER",
    outputKeys: ["Cluster", "ClusterName", "ClusterArn", "EcsCluster", "EcsClusterName", "EcsClusterArn"],
    resourceType: "AWS::ECS::Cluster",
    description: "ECS cluster that runs virtual participants",
  },
  taskDefinition: {
    flag: "task-definition",
    env: "IVSCTL_TASK_DEFINITION",
    outputKeys: ["TaskDefinition", "TaskDefinitionArn", "EcsTaskDefinition", "EcsTaskDefinitionArn"],
    resourceType: "AWS::ECS::TaskDefinition",
    description: "ECS task definition of the virtual participant",
  },
  containerName: {
    flag: "container-name",
    env: "IVSCTL_CONTAINER_NAME",
    outputKeys: ["ContainerName"],
    description: "Container that receives the VP environment (default: the task definition's first)",
  },
  subnets: {
    flag: "subnets",
    env: "IVSCTL_SUBNETS",
    outputKeys: ["Subnets", "SubnetIds", "Subnet", "SubnetId"],
    resourceType: "AWS::EC2::Subnet",
    list: true,
    description: "Subnets for VP tasks (comma-separated)",
  },
  securityGroups: {
    flag: "security-groups",
    env: "IVSCTL_SECURITY_GROUPS",
    outputKeys: ["SecurityGroups", "SecurityGroup", "SecurityGroupId", "SecurityGroupIds"],
    resourceType: "AWS::EC2::SecurityGroup",
    multiple: true,
    description: "Security group(s) for VP tasks (comma-separated)",
  },
  assignPublicIp: {
    flag: "assign-public-ip",
    env: "IVSCTL_ASSIGN_PUBLIC_IP",
    outputKeys: ["AssignPublicIp"],
    fallback: "ENABLED",
    description: "ENABLED or DISABLED (default ENABLED: the sample's subnets are public)",
  },
  keySecret: {
    flag: "key-secret",
    env: "IVSCTL_KEY_SECRET",
    outputKeys: ["KeySecret", "KeySecretArn", "PrivateKeySecret", "PrivateKeySecretArn", "SigningKeySecretArn"],
    resourceType: "AWS::SecretsManager::Secret",
    description: "Secrets Manager secret holding the participant-token signing key",
  },
} as const satisfies Record<string, RoleSpec>;

export type RoleName = keyof typeof ROLE_SPECS;
export const ROLE_NAMES = Object.keys(ROLE_SPECS) as RoleName[];

/** `--cluster`, `--subnets`, … as flags, for every command that resolves roles. */
export const roleArgs: FlagDefs = Object.fromEntries(
  Object.values(ROLE_SPECS).map((r) => [r.flag, { type: "string", description: `${r.description} (env ${r.env})`, valueHint: r.flag === "subnets" || r.flag === "security-groups" ? "id,id" : "value" }]),
);

export type RoleOverrides = Partial<Record<RoleName, string>>;

export function roleOverridesFrom(args: ParsedArgs): RoleOverrides {
  const out: RoleOverrides = {};
  for (const name of ROLE_NAMES) {
    const v = args.string(ROLE_SPECS[name].flag);
    if (v !== undefined) out[name] = v;
  }
  return out;
}

/**
 * Whether a role can be looked for at all: a flag or variable names it, or a stack is given.
 * Synchronous and free, so a feature can decide whether it applies before any call.
 */
export function isRoleKnown(role: RoleName, where: { overrides: RoleOverrides; env: Env; stack: string | undefined }): boolean {
  return Boolean(where.overrides[role] || where.env[ROLE_SPECS[role].env] || where.stack);
}

/** Comma-separated list roles (subnets, security groups) become lists; the rest stay one value. */
export function splitRoleValue(role: RoleName, raw: string): string | string[] {
  const spec: RoleSpec = ROLE_SPECS[role];
  return spec.list || spec.multiple ? raw.split(",").map((s) => s.trim()).filter(Boolean) : raw;
}

/** A resolved value as one string (a list joins with commas). */
export const roleString = (v: string | string[]): string => (Array.isArray(v) ? v.join(",") : v);

/** A resolved value as a list. */
export const roleList = (v: string | string[]): string[] => (Array.isArray(v) ? v : v.split(",").map((s) => s.trim()).filter(Boolean));

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

/** The roles that place a VP task (the key secret is checked where it is read). */
const VP_ROLES: RoleName[] = ["cluster", "taskDefinition", "containerName", "subnets", "securityGroups", "assignPublicIp"];

/** Flags and environment variables that name VP roles: checked before any call (exit 2). */
export function checkRoleInputs(overrides: RoleOverrides, env: Env): void {
  for (const role of VP_ROLES) {
    const spec = ROLE_SPECS[role];
    const given = overrides[role] !== undefined ? { v: overrides[role]!, from: `--${spec.flag}` } : env[spec.env] ? { v: env[spec.env]!, from: spec.env } : undefined;
    if (!given) continue;
    const value = splitRoleValue(role, given.v);
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
