/** Stage references (ARN, 12-character id, or name) to stages: the one place stages are resolved. */
import { GetStageCommand, paginateListStages, type IVSRealTimeClient, type Stage } from "@aws-sdk/client-ivs-realtime";
import { parseResourceRef, resolveArn } from "../aws/resolve.ts";
import type { Context } from "../cli/context.ts";
import { toCliError } from "../cli/errors.ts";

export async function resolveStageArn(rt: IVSRealTimeClient, ref: string): Promise<string> {
  return resolveArn(parseResourceRef(ref, "stage"), "stage", async function* () {
    for await (const page of paginateListStages({ client: rt }, {})) yield* page.stages ?? [];
  });
}

/** ARN, id or name -> the full stage (one GetStage). Unknown: exit 4. */
export async function fetchStage(ctx: Context, ref: string): Promise<{ rt: IVSRealTimeClient; stage: Stage }> {
  parseResourceRef(ref, "stage");
  const rt = await ctx.aws.realtime();
  try {
    const arn = await resolveStageArn(rt, ref);
    const { stage } = await rt.send(new GetStageCommand({ arn }));
    return { rt, stage: stage! };
  } catch (e) {
    throw toCliError(e, `finding stage ${ref}`);
  }
}
