import { globalArgs, mutatingArgs } from "../../src/cli/args.ts";
import { defineLeaf } from "../../src/cli/command.ts";
import { channelOrStreamKeyArg, ifExistsArg } from "../args.ts";

export default defineLeaf({
  meta: { name: "delete", description: "Delete a channel's stream key (asks first; refuses on a LIVE channel without --force)" },
  args: {
    ...channelOrStreamKeyArg,
    key: { type: "positional", description: "Stream-key id or ARN (when the channel has several)", required: false },
    force: { type: "boolean", description: "Delete even while the channel is LIVE (cuts the broadcast)" },
    ...ifExistsArg,
    ...mutatingArgs,
    ...globalArgs,
  },
  examples: ["ivsctl stream-key delete demo --yes"],
  options: (args) => ({ channel: args.requiredPositional("channel"), key: args.positional("key"), force: args.flag("force"), ifExists: args.flag("if-exists") }),
  run: () => import("../../src/channel/stream-keys.ts").then((m) => m.deleteStreamKey),
});
