import { globalArgs } from "../../src/cli/args.ts";
import { defineLeaf } from "../../src/cli/command.ts";

export default defineLeaf({
  meta: { name: "list", description: "List the stream keys of a channel (ARNs only: list never returns key values)" },
  args: {
    channel: { type: "positional", description: "Channel ARN, id or name" },
    ...globalArgs,
  },
  examples: ["ivsctl stream-key list demo", "ivsctl stream-key list demo -o json | jq -r '.streamKeys[].arn'"],
  async handler(ctx, args) {
    const opts = { channel: args.requiredPositional("channel") };
    const { listStreamKeys } = await import("../../src/channel/stream-keys.ts");
    await listStreamKeys(ctx, opts);
  },
});
