import { globalArgs, mutatingArgs } from "../../src/cli/args.ts";
import { defineLeaf } from "../../src/cli/command.ts";

export default defineLeaf({
  meta: { name: "rotate", description: "Replace a channel's stream key and print the new ingest URL (refuses on a LIVE channel without --force)" },
  args: {
    channel: { type: "positional", description: "Channel ARN, id or name" },
    force: { type: "boolean", description: "Rotate even while the channel is LIVE (cuts the broadcast)" },
    ...mutatingArgs,
    ...globalArgs,
  },
  examples: ["ivsctl stream-key rotate demo --yes", "ivsctl stream-key rotate demo --dry-run"],
  async handler(ctx, args) {
    const opts = { channel: args.requiredPositional("channel"), force: args.flag("force"), dryRun: ctx.globals.dryRun };
    const { rotateStreamKey } = await import("../../src/channel/stream-keys.ts");
    await rotateStreamKey(ctx, opts);
  },
});
