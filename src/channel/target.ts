/**
 * The channel a command acts on: the positional argument, else IVSCTL_CHANNEL, else the channel
 * role of `--stack` (an output whose value is a channel ARN, or the stack's AWS::IVS::Channel).
 * A positional channel wins over --stack.
 */
import type { Context } from "../cli/context.ts";
import { stateError, usageError } from "../cli/errors.ts";
import { roleString } from "../stack/roles.ts";

export interface ChannelTarget {
  /** What to resolve: an ARN, id or name. */
  ref: string;
  /** The stack it came from, when it did (stack-managed: changing it drifts the stack). */
  stack?: string;
}

/** Without a channel argument, IVSCTL_CHANNEL or a stack there is nothing to act on: exit 2 before anything else. */
export function requireChannelSource(ctx: Context, given: string | undefined): void {
  if ((given === undefined || given === "") && !ctx.env.IVSCTL_CHANNEL && !ctx.globals.stack) {
    throw usageError("missing required argument <channel>", "name the channel, or pass --stack NAME (a stack that holds one)");
  }
}

export async function channelTarget(ctx: Context, given: string | undefined): Promise<ChannelTarget> {
  requireChannelSource(ctx, given);
  if (given !== undefined && given !== "") return { ref: given };
  if (ctx.env.IVSCTL_CHANNEL) return { ref: ctx.env.IVSCTL_CHANNEL };
  const { stackResolver } = await import("../stack/resolve.ts");
  const role = await stackResolver(ctx, {}).required("channel");
  ctx.log.debug(`channel ${roleString(role.value)} from stack ${ctx.globals.stack} (${role.from})`);
  return { ref: roleString(role.value), stack: ctx.globals.stack };
}

/** The channel reference alone (most commands need no more). */
export const channelRef = async (ctx: Context, given: string | undefined): Promise<string> => (await channelTarget(ctx, given)).ref;

/** The tag CloudFormation puts on every taggable resource it creates (CloudFormation User Guide, "Resource tags"). */
export const STACK_NAME_TAG = "aws:cloudformation:stack-name";

/**
 * A resource that a stack created drifts the stack when changed by hand: say so, and ask for
 * --force (exit 5 without it).
 */
export function refuseStackManaged(tags: Record<string, string> | undefined, o: { force?: boolean; action: string; arn: string; stack?: string }): void {
  const stack = tags?.[STACK_NAME_TAG] ?? o.stack;
  if (!stack || o.force) return;
  throw stateError(`${o.action} ${o.arn}: stack ${stack} manages it, so the change would drift the stack`, "StackManaged", "change it through the stack, or add --force to change it anyway");
}
