import { globalArgs, mutatingArgs } from "../../src/cli/args.ts";
import { defineLeaf } from "../../src/cli/command.ts";

export default defineLeaf({
  meta: { name: "stop", description: "Disconnect a channel's encoder and end the stream (asks first; --yes)" },
  args: {
    channel: { type: "positional", description: "Channel ARN, id or name" },
    ...mutatingArgs,
    ...globalArgs,
  },
  examples: ["ivsctl stream stop demo --yes"],
  async handler(ctx, args) {
    const opts = { channel: args.requiredPositional("channel"), dryRun: ctx.globals.dryRun };
    const { stopStream } = await import("../../src/channel/streams.ts");
    await stopStream(ctx, opts);
  },
});
