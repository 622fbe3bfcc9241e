/** AWS CloudFormation in the emulator: read access to stacks (outputs and resources), query protocol. */
import { ServiceError } from "./errors.ts";
import { paginate } from "./ids.ts";
import type { EmulatedService, RequestContext } from "./service.ts";

export const STACK_KIND = "cloudformation:stack";

export interface StackDoc {
  StackName: string;
  StackId: string;
  Description?: string;
  StackStatus: string;
  CreationTime: string;
  Outputs: { OutputKey: string; OutputValue: string; Description?: string; ExportName?: string }[];
  Resources: { LogicalResourceId: string; PhysicalResourceId: string; ResourceType: string }[];
  Tags: { Key: string; Value: string }[];
}

/** Stored in an output value where the emulator's own host:port belongs; DescribeStacks renders it, so outputs follow the port. */
export const LOCAL_HTTP_HOST = "{{ivsctl-local-http}}";

/** CloudFormation reports a missing stack as a 400 ValidationError, not a 404. */
const missing = (name: string) => new ServiceError("ValidationError", `Stack with id ${name} does not exist`, 400);

function findStack(ctx: RequestContext, nameOrId: string | undefined): StackDoc {
  if (!nameOrId) throw new ServiceError("ValidationError", "StackName is required", 400);
  const stacks = ctx.store.list<StackDoc>(STACK_KIND);
  const hit = stacks.find((s) => s.StackName === nameOrId || s.StackId === nameOrId);
  if (!hit) throw missing(nameOrId);
  return hit;
}

function describeStacks(input: any, ctx: RequestContext) {
  const all = input.StackName ? [findStack(ctx, input.StackName)] : ctx.store.list<StackDoc>(STACK_KIND);
  const { page, nextToken } = paginate(all, input.NextToken, undefined, 100);
  return {
    Stacks: page.map(({ Resources: _r, ...stack }) => ({
      ...stack,
      Outputs: stack.Outputs.map((o) => ({ ...o, OutputValue: o.OutputValue.replaceAll(LOCAL_HTTP_HOST, ctx.world.httpHost) })),
      LastUpdatedTime: stack.CreationTime,
    })),
    NextToken: nextToken,
  };
}

function listStackResources(input: any, ctx: RequestContext) {
  const stack = findStack(ctx, input.StackName);
  const { page, nextToken } = paginate(stack.Resources, input.NextToken, undefined, 100);
  return {
    StackResourceSummaries: page.map((r) => ({ ...r, LastUpdatedTimestamp: stack.CreationTime, ResourceStatus: "CREATE_COMPLETE" })),
    NextToken: nextToken,
  };
}

function describeStackResources(input: any, ctx: RequestContext) {
  let stack: StackDoc;
  if (input.StackName) stack = findStack(ctx, input.StackName);
  else if (input.PhysicalResourceId) {
    const owner = ctx.store.list<StackDoc>(STACK_KIND).find((s) => s.Resources.some((r) => r.PhysicalResourceId === input.PhysicalResourceId));
    if (!owner) throw new ServiceError("ValidationError", `Stack for ${input.PhysicalResourceId} does not exist`, 400);
    stack = owner;
  } else throw new ServiceError("ValidationError", "Either StackName or PhysicalResourceId must be specified", 400);
  const resources = stack.Resources.filter(
    (r) => (!input.LogicalResourceId || r.LogicalResourceId === input.LogicalResourceId) && (!input.PhysicalResourceId || r.PhysicalResourceId === input.PhysicalResourceId),
  );
  return {
    StackResources: resources.map((r) => ({ StackName: stack.StackName, StackId: stack.StackId, ...r, Timestamp: stack.CreationTime, ResourceStatus: "CREATE_COMPLETE" })),
  };
}

export const cloudFormationService: EmulatedService = {
  name: "cloudformation",
  protocol: "query",
  operations: {
    DescribeStacks: describeStacks,
    ListStackResources: listStackResources,
    DescribeStackResources: describeStackResources,
  },
};
