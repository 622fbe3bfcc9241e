import { globalArgs } from "../../src/cli/args.ts";
import { defineLeaf } from "../../src/cli/command.ts";
import { channelArg } from "../args.ts";

export default defineLeaf({
  meta: { name: "list", description: "List the stream keys of a channel (ARNs only: list never returns key values)" },
  args: {
    ...channelArg,
    ...globalArgs,
  },
  examples: ["ivsctl stream-key list demo", "ivsctl stream-key list demo -o json | jq -r '.streamKeys[].arn'"],
  options: (args) => ({ channel: args.requiredPositional("channel") }),
  run: () => import("../../src/channel/stream-keys.ts").then((m) => m.listStreamKeys),
});
