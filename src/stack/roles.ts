/** The backend roles ivsctl finds in a stack, and where each may come from. Pure: no SDK. */
import type { FlagDefs, ParsedArgs } from "../cli/args.ts";

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
