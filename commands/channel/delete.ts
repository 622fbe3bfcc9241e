import { globalArgs, mutatingArgs } from "../../src/cli/args.ts";
import { defineLeaf } from "../../src/cli/command.ts";
import { channelArg, forceStackArg, ifExistsArg } from "../args.ts";

export default defineLeaf({
  meta: { name: "delete", description: "Delete a channel and its stream keys (asks first; --yes when not on a terminal)" },
  args: {
    ...channelArg,
    ...ifExistsArg,
    ...forceStackArg,
    ...mutatingArgs,
    ...globalArgs,
  },
  examples: ["ivsctl channel delete demo --yes"],
  options: (args) => ({ channel: args.requiredPositional("channel"), ifExists: args.flag("if-exists"), force: args.flag("force") }),
  run: () => import("../../src/channel/channels.ts").then((m) => m.deleteChannel),
});
