import { globalArgs } from "../../src/cli/args.ts";
import { defineLeaf } from "../../src/cli/command.ts";

export default defineLeaf({
  meta: { name: "get", description: "Show a channel's stream: state, health, viewers, and the encoder's video/audio settings" },
  args: {
    channel: { type: "positional", description: "Channel ARN, id or name" },
    ...globalArgs,
  },
  examples: ["ivsctl stream get demo", "ivsctl stream get demo -o json | jq -r .stream.state"],
  async handler(ctx, args) {
    const opts = { channel: args.requiredPositional("channel") };
    const { getStream } = await import("../../src/channel/streams.ts");
    await getStream(ctx, opts);
  },
});
