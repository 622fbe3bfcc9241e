import { globalArgs } from "../../src/cli/args.ts";
import { defineLeaf } from "../../src/cli/command.ts";

export default defineLeaf({
  meta: { name: "get", description: "Show one channel (by ARN, id or name)" },
  args: {
    channel: { type: "positional", description: "Channel ARN, id or name" },
    ...globalArgs,
  },
  examples: ["ivsctl channel get demo", "ivsctl channel get arn:aws:ivs:us-west-2:123456789012:channel/AbCdEf012345 -o json"],
  async handler(ctx, args) {
    const channel = args.requiredPositional("channel");
    const { getChannel } = await import("../../src/channel/channels.ts");
    await getChannel(ctx, channel);
  },
});
