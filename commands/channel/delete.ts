import { globalArgs, mutatingArgs } from "../../src/cli/args.ts";
import { defineLeaf } from "../../src/cli/command.ts";

export default defineLeaf({
  meta: { name: "delete", description: "Delete a channel and its stream keys (asks first; --yes when not on a terminal)" },
  args: {
    channel: { type: "positional", description: "Channel ARN, id or name" },
    ...mutatingArgs,
    ...globalArgs,
  },
  examples: ["ivsctl channel delete demo --yes"],
  async handler(ctx, args) {
    const opts = { channel: args.requiredPositional("channel"), dryRun: ctx.globals.dryRun };
    const { deleteChannel } = await import("../../src/channel/channels.ts");
    await deleteChannel(ctx, opts);
  },
});
