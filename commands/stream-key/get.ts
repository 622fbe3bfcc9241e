import { globalArgs } from "../../src/cli/args.ts";
import { defineLeaf } from "../../src/cli/command.ts";
import { channelOrStreamKeyArg } from "../args.ts";

export default defineLeaf({
  meta: { name: "get", description: "Show a stream key and its RTMPS ingest URL (redacted unless --show-secrets)" },
  args: {
    channel: { ...channelOrStreamKeyArg.channel, description: "Channel ARN, id or name, or a stream-key ARN (default: the --stack's channel)", required: false },
    key: { type: "positional", description: "Stream-key id or ARN (when the channel has several)", required: false },
    ...globalArgs,
  },
  examples: ["ivsctl stream-key get demo", "ivsctl stream-key get demo --show-secrets -o json | jq -r .streamKey.value"],
  options: (args) => ({ channel: args.positional("channel"), key: args.positional("key") }),
  run: () => import("../../src/channel/stream-keys.ts").then((m) => m.getStreamKey),
});
