import { globalArgs, mutatingArgs } from "../../src/cli/args.ts";
import { defineLeaf } from "../../src/cli/command.ts";
import { stackChannelArg } from "../args.ts";

export default defineLeaf({
  meta: { name: "stop", description: "Disconnect a channel's encoder and end the stream (asks first; --yes)" },
  args: {
    ...stackChannelArg,
    ...mutatingArgs,
    ...globalArgs,
  },
  examples: ["ivsctl stream stop demo --yes"],
  options: (args) => ({ channel: args.positional("channel") }),
  run: () => import("../../src/channel/streams.ts").then((m) => m.stopStream),
});
