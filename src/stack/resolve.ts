/**
 * Resolving backend roles from a CloudFormation stack, in the documented order:
 * flag, then environment, then stack output (key, or `::Key` export suffix), then stack resource
 * by type. One DescribeStacks and one ListStackResources per invocation, at most.
 */
import { DescribeStacksCommand, paginateListStackResources, type CloudFormationClient, type Output as StackOutput, type Stack, type StackResourceSummary } from "@aws-sdk/client-cloudformation";
import type { FactCache } from "../aws/cache.ts";
import { configError, toCliError } from "../cli/errors.ts";
import type { Env } from "../cli/io.ts";
import { ROLE_NAMES, ROLE_SPECS, type RoleName, type RoleOverrides, type RoleSpec } from "./roles.ts";

export type RoleSource = "flag" | "env" | "output" | "resource" | "default" | "missing";

export interface ResolvedRole {
  role: RoleName;
  value?: string | string[];
  source: RoleSource;
  /** Which flag, variable, output or resource it came from. */
  from?: string;
}

export class StackResolver {
  private stackPromise?: Promise<Stack | undefined>;
  private resourcesPromise?: Promise<StackResourceSummary[]>;
  private readonly resolved = new Map<RoleName, ResolvedRole>();

  constructor(
    private readonly stackName: string | undefined,
    private readonly cfn: () => Promise<CloudFormationClient>,
    private readonly overrides: RoleOverrides,
    private readonly env: Env,
    /** Resources of a stack version, across invocations (see src/aws/cache.ts). */
    private readonly cache?: FactCache,
  ) {}

  get name(): string | undefined {
    return this.stackName;
  }

  private stack(): Promise<Stack | undefined> {
    return (this.stackPromise ??= this.withStack(async (cfn, stack) => (await cfn.send(new DescribeStacksCommand({ StackName: stack }))).Stacks?.[0]));
  }

  async outputs(): Promise<StackOutput[]> {
    return (await this.stack())?.Outputs ?? [];
  }

  resources(): Promise<StackResourceSummary[]> {
    return (this.resourcesPromise ??= this.withStack(async (cfn, stack) => {
      // A stack version's resources never change: any update moves LastUpdatedTime.
      const s = await this.stack();
      const version = s?.StackId ? `${s.StackId}@${new Date(s.LastUpdatedTime ?? s.CreationTime ?? 0).toISOString()}` : undefined;
      const cached = version ? this.cache?.get<StackResourceSummary[]>(`stack-resources:${version}`) : undefined;
      if (cached) return cached;
      const all: StackResourceSummary[] = [];
      for await (const page of paginateListStackResources({ client: cfn }, { StackName: stack })) all.push(...(page.StackResourceSummaries ?? []));
      if (version) this.cache?.set(`stack-resources:${version}`, all.map(({ LogicalResourceId, PhysicalResourceId, ResourceType }) => ({ LogicalResourceId, PhysicalResourceId, ResourceType })));
      return all;
    }));
  }

  /** Resolve one role; throws exit 3 when it is ambiguous. */
  async role(name: RoleName): Promise<ResolvedRole> {
    const hit = this.resolved.get(name);
    if (hit) return hit;
    const r = await this.compute(name, ROLE_SPECS[name]);
    this.resolved.set(name, r);
    return r;
  }

  /** Resolve a role that must have a value. */
  async required(name: RoleName): Promise<ResolvedRole & { value: string | string[] }> {
    const r = await this.role(name);
    if (r.value === undefined) {
      const spec: RoleSpec = ROLE_SPECS[name];
      throw configError(
        `no ${lowerFirst(spec.description)} found${this.stackName ? ` in stack ${this.stackName}` : ""}`,
        `pass --${spec.flag}, set ${spec.env}${this.stackName ? "" : ", or name a stack with --stack"}`,
      );
    }
    return r as ResolvedRole & { value: string | string[] };
  }

  async all(): Promise<ResolvedRole[]> {
    const out: ResolvedRole[] = [];
    for (const n of ROLE_NAMES) out.push(await this.role(n));
    return out;
  }

  private async compute(role: RoleName, spec: RoleSpec): Promise<ResolvedRole> {
    const split = (v: string) => (spec.list || spec.flag === "security-groups" ? v.split(",").map((s) => s.trim()).filter(Boolean) : v);
    const flag = this.overrides[role];
    if (flag) return { role, value: split(flag), source: "flag", from: `--${spec.flag}` };
    const envValue = this.env[spec.env];
    if (envValue) return { role, value: split(envValue), source: "env", from: spec.env };
    if (this.stackName) {
      const outputs = (await this.outputs()).filter((o) =>
        spec.outputKeys.some((k) => o.OutputKey === k || (o.ExportName !== undefined && o.ExportName.endsWith(`::${k}`))),
      );
      const values = [...new Set(outputs.map((o) => o.OutputValue ?? ""))];
      if (values.length > 1) {
        throw ambiguous(role, spec, this.stackName, outputs.map((o) => `output ${o.OutputKey}=${o.OutputValue}`));
      }
      if (values.length === 1) return { role, value: split(values[0]!), source: "output", from: `output ${outputs[0]!.OutputKey}` };
      if (spec.resourceType) {
        const found = (await this.resources()).filter((r) => r.ResourceType === spec.resourceType && r.PhysicalResourceId);
        if (found.length > 1 && !spec.list) {
          throw ambiguous(role, spec, this.stackName, found.map((r) => `${r.LogicalResourceId} (${r.PhysicalResourceId})`));
        }
        if (found.length > 0) {
          const ids = found.map((r) => r.PhysicalResourceId!);
          return { role, value: spec.list ? ids : split(ids[0]!), source: "resource", from: `resource ${found.map((r) => r.LogicalResourceId).join(", ")} (${spec.resourceType})` };
        }
      }
    }
    if (spec.fallback) return { role, value: spec.fallback, source: "default", from: "default" };
    return { role, source: "missing" };
  }

  private withStack<T>(fn: (cfn: CloudFormationClient, stack: string) => Promise<T>): Promise<T> {
    const stack = this.stackName;
    if (!stack) return Promise.reject(configError("no stack given", "pass --stack NAME or set IVSCTL_STACK"));
    return this.cfn()
      .then((cfn) => fn(cfn, stack))
      .catch((e) => {
        throw toCliError(e, `reading stack ${stack}`);
      });
  }
}

function ambiguous(role: RoleName, spec: RoleSpec, stack: string, candidates: string[]) {
  return configError(
    `stack ${stack}: ${role} is ambiguous: ${candidates.join("; ")}`,
    `choose one with --${spec.flag} or ${spec.env}`,
  );
}

/** "Task definition" -> "task definition", but "ECS cluster" stays (an acronym keeps its case). */
export function lowerFirst(text: string): string {
  return /^[A-Z][a-z]/.test(text) ? text.charAt(0).toLowerCase() + text.slice(1) : text;
}
