import { globalArgs } from "../../src/cli/args.ts";
import { defineLeaf } from "../../src/cli/command.ts";

export default defineLeaf({
  meta: { name: "get", description: "Show a stream key and its RTMPS ingest URL (redacted unless --show-secrets)" },
  args: {
    channel: { type: "positional", description: "Channel ARN, id or name, or a stream-key ARN" },
    key: { type: "positional", description: "Stream-key id or ARN (when the channel has several)", required: false },
    ...globalArgs,
  },
  examples: ["ivsctl stream-key get demo", "ivsctl stream-key get demo --show-secrets -o json | jq -r .streamKey.value"],
  async handler(ctx, args) {
    const opts = { channel: args.requiredPositional("channel"), key: args.positional("key") };
    const { getStreamKey } = await import("../../src/channel/stream-keys.ts");
    await getStreamKey(ctx, opts);
  },
});
