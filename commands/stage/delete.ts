import { globalArgs, mutatingArgs } from "../../src/cli/args.ts";
import { defineLeaf } from "../../src/cli/command.ts";
import { roleArgs, roleOverridesFrom } from "../../src/stack/roles.ts";
import { stageVpStopper } from "../../src/vp/hooks.ts";

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
    const opts = { stage: args.requiredPositional("stage"), dryRun: ctx.globals.dryRun, stopVps: stageVpStopper(ctx, overrides) };
    const { deleteStage } = await import("../../src/stage/stages.ts");
    await deleteStage(ctx, opts);
  },
});
