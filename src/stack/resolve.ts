/**
 * Resolving backend roles from a CloudFormation stack, in the documented order:
 * flag, then environment, then stack output (key, or `::Key` export suffix), then stack resource
 * by type. One DescribeStacks and one ListStackResources per invocation, at most.
 */
import { DescribeStacksCommand, paginateListStackResources, type CloudFormationClient, type Output as StackOutput, type Stack, type StackResourceSummary } from "@aws-sdk/client-cloudformation";
import { factCache, type FactCache } from "../aws/cache.ts";
import type { Context } from "../cli/context.ts";
import { CliError, configError, toCliError } from "../cli/errors.ts";
import { ExitCode } from "../cli/exit-codes.ts";
import type { Env } from "../cli/io.ts";
import { detectStackKind, kindFromOutputs, kindFromResources, type StackKindInfo } from "./kind.ts";
import { howToName, isRoleKnown, ROLE_NAMES, ROLE_SPECS, splitRoleValue, type RoleName, type RoleOverrides, type RoleSpec } from "./roles.ts";

/** What one invocation read of a stack, shared by every resolver it makes (one DescribeStacks, one ListStackResources). */
interface StackReads {
  stack?: Promise<Stack | undefined>;
  resources?: Promise<StackResourceSummary[]>;
}
const readsByContext = new WeakMap<Context, StackReads>();

/** The one way to get a resolver: the context's --stack, CloudFormation client, environment and cache. */
export function stackResolver(ctx: Context, overrides: RoleOverrides): StackResolver {
  let reads = readsByContext.get(ctx);
  if (!reads) readsByContext.set(ctx, (reads = {}));
  return new StackResolver(ctx.globals.stack, () => ctx.aws.cloudformation(), overrides, ctx.env, factCache(ctx.env), reads);
}

/** Whether --stack names a VP-sample stack: its outputs decide (one DescribeStacks, shared with the invocation). */
export async function isSampleStack(ctx: Context): Promise<boolean> {
  if (!ctx.globals.stack) return false;
  return detectStackKind(ctx.globals.stack, await stackResolver(ctx, {}).outputs()).kind === "vp-sample";
}

export type RoleSource = "flag" | "env" | "output" | "resource" | "default" | "missing" | "ambiguous";

export interface ResolvedRole {
  role: RoleName;
  value?: string | string[];
  source: RoleSource;
  /** Which flag, variable, output or resource it came from. */
  from?: string;
}

export class StackResolver {
  private readonly resolved = new Map<RoleName, ResolvedRole>();
  private kindPromise?: Promise<StackKindInfo>;

  constructor(
    private readonly stackName: string | undefined,
    private readonly cfn: () => Promise<CloudFormationClient>,
    private readonly overrides: RoleOverrides,
    private readonly env: Env,
    /** Resources of a stack version, across invocations (see src/aws/cache.ts). */
    private readonly cache?: FactCache,
    /** The stack and its resources as read in this invocation (shared between resolvers). */
    private readonly reads: StackReads = {},
  ) {}

  get name(): string | undefined {
    return this.stackName;
  }

  /** Whether the role can be looked for at all (see isRoleKnown). */
  known(role: RoleName): boolean {
    return isRoleKnown(role, { overrides: this.overrides, env: this.env, stack: this.stackName });
  }

  private stack(): Promise<Stack | undefined> {
    return (this.reads.stack ??= this.withStack(async (cfn, stack) => (await cfn.send(new DescribeStacksCommand({ StackName: stack }))).Stacks?.[0]));
  }

  async outputs(): Promise<StackOutput[]> {
    return (await this.stack())?.Outputs ?? [];
  }

  resources(): Promise<StackResourceSummary[]> {
    return (this.reads.resources ??= this.withStack(async (cfn, stack) => {
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
      const kind = this.stackName ? await this.kind() : undefined;
      throw configError(
        `no ${lowerFirst(spec.description)} found${this.stackName ? ` in stack ${this.stackName} (kind ${kind!.kind})` : ""}`,
        `${howToName(name)}${this.stackName ? "" : ", or name a stack with --stack"}`,
      );
    }
    return r as ResolvedRole & { value: string | string[] };
  }

  /** Every role, for `stack outputs`: an ambiguous one is reported as such (with its candidates), not thrown. */
  async all(): Promise<ResolvedRole[]> {
    const out: ResolvedRole[] = [];
    for (const n of ROLE_NAMES) {
      out.push(
        await this.role(n).catch((e: unknown) => {
          if (e instanceof CliError && e.code === AMBIGUOUS) return { role: n, source: "ambiguous" as const, from: e.message };
          throw e;
        }),
      );
    }
    return out;
  }

  /**
   * The stack's kind and why. Outputs decide when they can (the sample's export names, a
   * channel-shaped value); otherwise its resources do (a channel and no ECS cluster).
   */
  kind(): Promise<StackKindInfo> {
    return (this.kindPromise ??= (async () => {
      const outputs = await this.outputs();
      return kindFromOutputs(this.stackName!, outputs) ?? kindFromResources(this.stackName!, outputs, await this.resources());
    })());
  }

  private async compute(role: RoleName, spec: RoleSpec): Promise<ResolvedRole> {
    const split = (v: string) => splitRoleValue(role, v);
    const flag = this.overrides[role];
    if (flag) return { role, value: split(flag), source: "flag", from: spec.flag ? `--${spec.flag}` : `<${spec.positional}>` };
    const envValue = spec.env ? this.env[spec.env] : undefined;
    if (envValue) return { role, value: split(envValue), source: "env", from: spec.env };
    if (this.stackName) {
      const all = await this.outputs();
      let outputs = all.filter((o) => spec.outputKeys.some((k) => o.OutputKey === k || (o.ExportName !== undefined && o.ExportName.endsWith(`::${k}`))));
      if (outputs.length === 0 && spec.outputValue && spec.kinds.includes((await this.kind()).kind)) {
        outputs = all.filter((o) => o.OutputValue !== undefined && spec.outputValue!(o.OutputValue, (o.OutputKey ?? "").toLowerCase()));
      }
      const values = [...new Set(outputs.map((o) => o.OutputValue ?? ""))];
      if (values.length > 1) {
        throw ambiguous(role, this.stackName, outputs.map((o) => `output ${o.OutputKey}=${o.OutputValue}`));
      }
      if (values.length === 1) return { role, value: split(values[0]!), source: "output", from: `output ${outputs[0]!.OutputKey}` };
      if (spec.resourceType) {
        const resources = await this.resources();
        const kind = (await this.kind()).kind;
        // A role falls back to a resource by type only within its stack's kind: a channel stack's
        // secret is never a stage signing key, and the sample's key secret is only `<S>-PrivateKey`.
        const prefix = spec.logicalIdPrefix?.[kind];
        const found = spec.kinds.includes(kind)
          ? resources.filter((r) => r.ResourceType === spec.resourceType && r.PhysicalResourceId && (!prefix || r.LogicalResourceId?.startsWith(prefix)))
          : [];
        if (found.length > 1 && !spec.list) {
          throw ambiguous(role, this.stackName, found.map((r) => `${r.LogicalResourceId} (${r.PhysicalResourceId})`));
        }
        if (found.length > 1 && spec.list) checkOneSubnetGroup(role, this.stackName, found);
        if (found.length > 0) {
          const ids = found.map((r) => r.PhysicalResourceId!);
          return { role, value: spec.list ? ids : split(ids[0]!), source: "resource", from: `resource ${found.map((r) => r.LogicalResourceId).join(", ")} (${spec.resourceType})` };
        }
      }
    }
    if (spec.fallback && (!this.stackName || spec.kinds.includes((await this.kind()).kind))) return { role, value: spec.fallback, source: "default", from: "default" };
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


/**
 * Subnets of several kinds (the VP sample's VPC has public, isolated and egress subnets) must not
 * be mixed: a task in an isolated subnet reaches neither IVS nor its image registry. A subnet's kind
 * is its CDK subnet group, read from the logical id (`<vpc><group>Subnet<n>Subnet<hash>`); no EC2
 * call is needed. More than one group is exit 3.
 */
function checkOneSubnetGroup(role: RoleName, stack: string, subnets: StackResourceSummary[]): void {
  const groups = new Map<string, string[]>();
  for (const r of subnets) {
    const group = /^(.*?)Subnet\d+Subnet[0-9A-Fa-f]{8}$/.exec(r.LogicalResourceId ?? "")?.[1] ?? "(not a CDK subnet)";
    groups.set(group, [...(groups.get(group) ?? []), r.PhysicalResourceId!]);
  }
  if (groups.size <= 1) return;
  throw new CliError(`stack ${stack}: ${role} span ${groups.size} CDK subnet groups: ${[...groups].map(([g, ids]) => `${g} (${ids.join(", ")})`).join("; ")}`, {
    exitCode: ExitCode.Config,
    code: AMBIGUOUS,
    hint: `choose one group: ${howToName(role)} (e.g. --subnets ${[...groups.values()].at(-1)!.join(",")})`,
  });
}

/** Lower-cases a leading common word ("Subnets…"), never an acronym or a name ("ECS…", "IVS…", "Secrets Manager…"). */
export const lowerFirst = (s: string) => (/^[A-Z][a-z]/.test(s) && !s.startsWith("Secrets Manager") ? s.charAt(0).toLowerCase() + s.slice(1) : s);

/** The error code of a role with several candidates (exit 3); `stack outputs` lists them instead. */
const AMBIGUOUS = "AmbiguousRole";

function ambiguous(role: RoleName, stack: string, candidates: string[]) {
  return new CliError(`stack ${stack}: ${role} is ambiguous: ${candidates.join("; ")}`, { exitCode: ExitCode.Config, code: AMBIGUOUS, hint: `choose one: ${howToName(role)}` });
}
