import { globalArgs, mutatingArgs } from "../../src/cli/args.ts";
import { defineLeaf } from "../../src/cli/command.ts";
import { roleArgs, roleOverridesFrom } from "../../src/stack/roles.ts";
import type { Context } from "../../src/cli/context.ts";

export default defineLeaf({
  meta: { name: "delete", description: "Disconnect participants, stop the stage's VPs (with a stack), delete the stage (asks; --yes off a terminal)" },
  args: {
    stage: { type: "positional", description: "Stage ARN, id or name" },
    ...roleArgs,
    ...mutatingArgs,
    ...globalArgs,
  },
  examples: ["ivsctl stage delete demo --yes", "ivsctl stage delete demo --stack my-vp-stack --yes"],
  async handler(ctx, args) {
    const overrides = roleOverridesFrom(args);
    const vpBackendKnown = Boolean(ctx.globals.stack || overrides.cluster || ctx.env.IVSCTL_CLUSTER);
    const stopVps = vpBackendKnown
      ? async (c: Context, stageArn: string) => {
          const [{ stopStageVps }, { stackResolver }] = await Promise.all([import("../../src/vp/vp.ts"), import("../../src/stack/outputs.ts")]);
          return stopStageVps(c, stageArn, stackResolver(c, overrides));
        }
      : undefined;
    const opts = { stage: args.requiredPositional("stage"), dryRun: ctx.globals.dryRun, stopVps };
    const { deleteStage } = await import("../../src/stage/stages.ts");
    await deleteStage(ctx, opts);
  },
});
