/**
 * ECS RunTask input checks, apart from the task's creation so each can be read and tested alone.
 * Messages and codes are ECS's (InvalidParameterException / ClientException, 400), from the RunTask
 * API reference (https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_RunTask.html).
 */
import { ServiceError } from "./errors.ts";

export interface ContainerDef {
  name: string;
  image: string;
  cpu?: number;
  memory?: number;
  essential?: boolean;
  environment?: { name: string; value: string }[];
}

export interface TaskDefinitionDoc {
  taskDefinitionArn: string;
  family: string;
  revision: number;
  status: string;
  networkMode?: string;
  requiresCompatibilities?: string[];
  cpu?: string;
  memory?: string;
  containerDefinitions: ContainerDef[];
}

export interface ContainerOverride {
  name?: string;
  environment?: { name: string; value: string }[];
}

/** What a valid RunTask asks for. */
export interface CheckedRunTask {
  count: number;
  subnets: string[];
  tags: { key: string; value: string }[];
  overrides: { containerOverrides?: ContainerOverride[]; cpu?: string; memory?: string; [k: string]: unknown };
}

export const invalidParameter = (m: string) => new ServiceError("InvalidParameterException", m, 400);
export const clientException = (m: string) => new ServiceError("ClientException", m, 400);

const SUBNET_ID = /^subnet-[0-9a-f]{8}(?:[0-9a-f]{9})?$/;
const SG_ID = /^sg-[0-9a-f]{8}(?:[0-9a-f]{9})?$/;

/**
 * RunTask `overrides`: "A total of 8192 characters are allowed for overrides. This limit includes the
 * JSON formatting characters of the override structure." (RunTask API reference, request parameter
 * `overrides`). Measured on the compact JSON of what was received; ECS's own message, as users report it.
 */
export const MAX_OVERRIDES_CHARACTERS = 8192;

export function overridesLength(overrides: unknown): number {
  return [...JSON.stringify(overrides)].length;
}

/** Check a RunTask request against its (found, active) task definition and the subnets that exist. */
export function checkRunTask(input: any, td: TaskDefinitionDoc, knownSubnets: Set<string>): CheckedRunTask {
  if (td.status !== "ACTIVE" && !String(input.taskDefinition).includes(":")) throw clientException("TaskDefinition is inactive");
  const launchType = input.launchType ?? "FARGATE";
  if (input.launchType && input.capacityProviderStrategy) throw invalidParameter("Specifying both a launch type and capacity provider strategy is not supported. Remove one and try again.");
  if (launchType !== "FARGATE") throw invalidParameter(`ivsctl local runs FARGATE tasks only (got launchType ${launchType}).`);
  if (td.requiresCompatibilities && !td.requiresCompatibilities.includes("FARGATE")) throw invalidParameter("Task definition does not support launch_type FARGATE.");
  const count = input.count ?? 1;
  if (count < 1 || count > 10) throw invalidParameter("count must be between 1 and 10.");
  const net = input.networkConfiguration?.awsvpcConfiguration;
  if ((td.networkMode ?? "awsvpc") === "awsvpc" && !net) throw invalidParameter("Network Configuration must be provided when networkMode 'awsvpc' is specified.");
  const subnets: string[] = net?.subnets ?? [];
  if (net && subnets.length === 0) throw invalidParameter("subnets can not be empty.");
  if (subnets.length > 16) throw invalidParameter("subnets can have at most 16 items.");
  for (const s of subnets) {
    if (!SUBNET_ID.test(s)) throw invalidParameter(`Error retrieving subnet information for [${s}]: The subnet ID '${s}' is malformed`);
    if (!knownSubnets.has(s)) throw invalidParameter(`Error retrieving subnet information for [${s}]: The subnet ID '${s}' does not exist`);
  }
  for (const g of (net?.securityGroups ?? []) as string[]) {
    if (!SG_ID.test(g)) throw invalidParameter(`Error retrieving security group information for [${g}]: The security group '${g}' is malformed`);
  }
  if (input.startedBy !== undefined && !/^[a-zA-Z0-9_/-]{1,128}$/.test(input.startedBy)) {
    throw invalidParameter("startedBy may contain up to 128 letters (uppercase and lowercase), numbers, hyphens, forward slashes and underscores.");
  }
  const tags: { key: string; value: string }[] = input.tags ?? [];
  if (tags.length > 50) throw invalidParameter("Tags can have at most 50 items.");
  for (const t of tags) if (t.key?.toLowerCase().startsWith("aws:")) throw invalidParameter("Tag keys with the prefix 'aws:' are reserved.");
  const overrides = input.overrides ?? {};
  if (input.overrides !== undefined && overridesLength(input.overrides) > MAX_OVERRIDES_CHARACTERS) {
    throw invalidParameter(`Container Overrides length must be at most ${MAX_OVERRIDES_CHARACTERS}`);
  }
  for (const o of (overrides.containerOverrides ?? []) as ContainerOverride[]) {
    if (!td.containerDefinitions.some((c) => c.name === o.name)) throw invalidParameter(`Override for container named ${o.name} is not a container in the TaskDefinition.`);
  }
  return { count, subnets, tags, overrides };
}
