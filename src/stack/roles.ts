/**
 * The backend roles ivsctl finds in a stack, where each may come from, and what each value must
 * look like: the one owner of role names, value splitting and value checks. Pure: no SDK.
 */
import type { FlagDefs, ParsedArgs } from "../cli/args.ts";
import { configError, usageError } from "../cli/errors.ts";
import type { Env } from "../cli/io.ts";

import { isArnOf } from "../aws/resolve.ts";
import { parseArn } from "../contract/arn.ts";
import type { StackKind } from "./kind.ts";

export interface RoleSpec {
  /** Flag name (without --) of the VP roles; roles without one are named by a positional or not at all. */
  flag?: string;
  /** The positional argument that names this role (`channel`), for hints. */
  positional?: string;
  env?: string;
  /** Output keys that name this role, matched exactly or as the `::Key` suffix of an export name. */
  outputKeys: string[];
  /**
   * An output also names this role when its value has the role's shape (CDK mangles output names:
   * `demo1ivsmetadataoutputchannelarn`); `key` is the output key in lower case, for values whose
   * shape alone is not enough. Only in stacks of `kinds`.
   */
  outputValue?: (value: string, key: string) => boolean;
  /** CloudFormation resource type that plays this role when no output names it. */
  resourceType?: string;
  /** The stack kinds in which value-shaped outputs and resources by type may play this role. */
  kinds: StackKind[];
  /** Per kind, the logical-id prefix a resource must have (the sample's key secret is `PrivateKey…`). */
  logicalIdPrefix?: Partial<Record<StackKind, string>>;
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
    kinds: ["ivsctl", "vp-sample"],
    description: "ECS cluster that runs virtual participants",
  },
  taskDefinition: {
    flag: "task-definition",
    env: "IVSCTL_TASK_DEFINITION",
    outputKeys: ["TaskDefinition", "TaskDefinitionArn", "EcsTaskDefinition", "EcsTaskDefinitionArn"],
    resourceType: "AWS::ECS::TaskDefinition",
    kinds: ["ivsctl", "vp-sample"],
    description: "ECS task definition of the virtual participant",
  },
  containerName: {
    flag: "container-name",
    env: "IVSCTL_CONTAINER_NAME",
    outputKeys: ["ContainerName"],
    kinds: ["ivsctl", "vp-sample"],
    description: "Container that receives the VP environment (default: the task definition's first)",
  },
  subnets: {
    flag: "subnets",
    env: "IVSCTL_SUBNETS",
    outputKeys: ["Subnets", "SubnetIds", "Subnet", "SubnetId"],
    resourceType: "AWS::EC2::Subnet",
    kinds: ["ivsctl", "vp-sample"],
    list: true,
    description: "Subnets for VP tasks (comma-separated)",
  },
  securityGroups: {
    flag: "security-groups",
    env: "IVSCTL_SECURITY_GROUPS",
    outputKeys: ["SecurityGroups", "SecurityGroup", "SecurityGroupId", "SecurityGroupIds"],
    resourceType: "AWS::EC2::SecurityGroup",
    kinds: ["ivsctl", "vp-sample"],
    multiple: true,
    description: "Security group(s) for VP tasks (comma-separated)",
  },
  assignPublicIp: {
    flag: "assign-public-ip",
    env: "IVSCTL_ASSIGN_PUBLIC_IP",
    outputKeys: ["AssignPublicIp"],
    kinds: ["ivsctl", "vp-sample"],
    fallback: "ENABLED",
    description: "ENABLED or DISABLED (default ENABLED: the sample's subnets are public)",
  },
  keySecret: {
    flag: "key-secret",
    env: "IVSCTL_KEY_SECRET",
    outputKeys: ["KeySecret", "KeySecretArn", "PrivateKeySecret", "PrivateKeySecretArn", "SigningKeySecretArn"],
    resourceType: "AWS::SecretsManager::Secret",
    // Never "any secret" in a channel stack (its secret holds the playback key), and in the sample's
    // stack only `<S>-PrivateKey` (logical id PrivateKey…, vp-sample-contract.md section 5).
    kinds: ["ivsctl", "vp-sample"],
    logicalIdPrefix: { "vp-sample": "PrivateKey" },
    description: "Secrets Manager secret holding the participant-token signing key",
  },
  channel: {
    positional: "channel",
    env: "IVSCTL_CHANNEL",
    outputKeys: ["Channel", "ChannelArn"],
    outputValue: (v) => isArnOf(v, "ivs", "channel"),
    resourceType: "AWS::IVS::Channel",
    kinds: ["channel"],
    description: "IVS low-latency channel",
  },
  streamKey: {
    outputKeys: ["StreamKey", "StreamKeyArn"],
    // The tutorials output the key's value (sk_…) under a mangled name; ivsctl never uses it (it goes
    // stale at the first rotation): it only shows that the stack holds one, redacted.
    outputValue: (v, key) => isArnOf(v, "ivs", "stream-key") || (key.includes("streamkey") && /^sk_/.test(v)),
    resourceType: "AWS::IVS::StreamKey",
    kinds: ["channel"],
    description: "Stream key of the channel",
  },
  playbackKeyPair: {
    outputKeys: ["PlaybackKeyPair", "PlaybackKeyPairArn"],
    outputValue: (v) => isArnOf(v, "ivs", "playback-key"),
    resourceType: "AWS::IVS::PlaybackKeyPair",
    kinds: ["channel"],
    description: "Playback key pair of private channels",
  },
  playbackSecret: {
    outputKeys: ["PlaybackKeySecret", "PlaybackKeySecretArn", "PlaybackPrivateKeySecret"],
    outputValue: (v, key) => isSecretArn(v) && key.includes("secret"),
    resourceType: "AWS::SecretsManager::Secret",
    kinds: ["channel"],
    description: "Secrets Manager secret holding the playback private key (PEM)",
  },
  recordingConfiguration: {
    outputKeys: ["RecordingConfiguration", "RecordingConfigurationArn"],
    outputValue: (v) => isArnOf(v, "ivs", "recording-configuration"),
    resourceType: "AWS::IVS::RecordingConfiguration",
    kinds: ["channel"],
    description: "Recording configuration of the channel",
  },
} as const satisfies Record<string, RoleSpec>;

/** A Secrets Manager ARN: its name may hold `/` (so not isArnOf's resource-id rule). */
function isSecretArn(value: string): boolean {
  const a = parseArn(value);
  return a !== undefined && a.service === "secretsmanager" && a.resourceType === "secret" && a.account !== "";
}

export type RoleName = keyof typeof ROLE_SPECS;
export const ROLE_NAMES = Object.keys(ROLE_SPECS) as RoleName[];
const spec = (role: RoleName): RoleSpec => ROLE_SPECS[role];

/** The roles that have a flag: the VP backend's (cluster, subnets, key secret…). */
const FLAG_ROLES = ROLE_NAMES.filter((r) => spec(r).flag !== undefined);

/** `--cluster`, `--subnets`, … as flags, for every command that resolves roles. */
export const roleArgs: FlagDefs = Object.fromEntries(
  FLAG_ROLES.map((r) => spec(r)).map((r) => [r.flag!, { type: "string", description: `${r.description} (env ${r.env})`, valueHint: r.flag === "subnets" || r.flag === "security-groups" ? "id,id" : "value" }]),
);

export type RoleOverrides = Partial<Record<RoleName, string>>;

export function roleOverridesFrom(args: ParsedArgs): RoleOverrides {
  const out: RoleOverrides = {};
  for (const name of FLAG_ROLES) {
    const v = args.string(spec(name).flag!);
    if (v !== undefined) out[name] = v;
  }
  return out;
}

/** How a user names a role by hand, for hints: its flag and variable, or its positional argument. */
export function howToName(role: RoleName): string {
  const s = spec(role);
  const ways = [s.positional ? `name it as the <${s.positional}> argument` : undefined, s.flag ? `pass --${s.flag}` : undefined, s.env ? `set ${s.env}` : undefined].filter(Boolean);
  return ways.length ? ways.join(", or ") : "name the resource directly";
}

/**
 * Whether a role can be looked for at all: a flag or variable names it, or a stack is given.
 * Synchronous and free, so a feature can decide whether it applies before any call.
 */
export function isRoleKnown(role: RoleName, where: { overrides: RoleOverrides; env: Env; stack: string | undefined }): boolean {
  const env = spec(role).env;
  return Boolean(where.overrides[role] || (env && where.env[env]) || where.stack);
}

/** Comma-separated list roles (subnets, security groups) become lists; the rest stay one value. */
export function splitRoleValue(role: RoleName, raw: string): string | string[] {
  const s = spec(role);
  return s.list || s.multiple ? raw.split(",").map((s) => s.trim()).filter(Boolean) : raw;
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
    const s = spec(role);
    const given = overrides[role] !== undefined ? { v: overrides[role]!, from: `--${s.flag}` } : s.env && env[s.env] ? { v: env[s.env]!, from: s.env } : undefined;
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
    throw configError(`${spec(role).description}: ${m} (from ${from ?? "the stack"})`, howToName(role));
  });
}
