import { globalArgs } from "../../src/cli/args.ts";
import { defineLeaf } from "../../src/cli/command.ts";

export default defineLeaf({
  meta: { name: "list", description: "List channels" },
  args: {
    "name-filter": { type: "string", description: "Only channels whose name contains this", valueHint: "text" },
    "recording-config": { type: "string", description: "Only channels recording with this configuration", valueHint: "arn" },
    ...globalArgs,
  },
  examples: ["ivsctl channel list", "ivsctl channel list -o json | jq '.channels | length'"],
  options: (args) => ({ nameFilter: args.string("name-filter"), recordingConfigurationArn: args.string("recording-config") }),
  run: () => import("../../src/channel/channels.ts").then((m) => m.listChannels),
});
