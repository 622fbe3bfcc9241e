import { globalArgs, mutatingArgs } from "../../src/cli/args.ts";
import { defineLeaf } from "../../src/cli/command.ts";

export default defineLeaf({
  meta: { name: "delete", description: "Delete a recording configuration (asks first; a channel still using it is exit 5)" },
  args: {
    recording: { type: "positional", description: "Recording configuration ARN, id or name" },
    ...mutatingArgs,
    ...globalArgs,
  },
  examples: ["ivsctl recording delete vods --yes"],
  async handler(ctx, args) {
    const opts = { recording: args.requiredPositional("recording"), dryRun: ctx.globals.dryRun };
    const { deleteRecording } = await import("../../src/channel/recording.ts");
    await deleteRecording(ctx, opts);
  },
});
