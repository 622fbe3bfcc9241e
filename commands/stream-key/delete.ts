import { globalArgs, mutatingArgs } from "../../src/cli/args.ts";
import { defineLeaf } from "../../src/cli/command.ts";

export default defineLeaf({
  meta: { name: "delete", description: "Delete a channel's stream key (asks first; refuses on a LIVE channel without --force)" },
  args: {
    channel: { type: "positional", description: "Channel ARN, id or name, or a stream-key ARN" },
    key: { type: "positional", description: "Stream-key id or ARN (when the channel has several)", required: false },
    force: { type: "boolean", description: "Delete even while the channel is LIVE (cuts the broadcast)" },
    ...mutatingArgs,
    ...globalArgs,
  },
  examples: ["ivsctl stream-key delete demo --yes"],
  async handler(ctx, args) {
    const opts = { channel: args.requiredPositional("channel"), key: args.positional("key"), force: args.flag("force"), dryRun: ctx.globals.dryRun };
    const { deleteStreamKey } = await import("../../src/channel/stream-keys.ts");
    await deleteStreamKey(ctx, opts);
  },
});
