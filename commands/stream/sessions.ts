import { globalArgs } from "../../src/cli/args.ts";
import { defineLeaf } from "../../src/cli/command.ts";
import { stackChannelArg } from "../args.ts";

export default defineLeaf({
  meta: { name: "sessions", description: "List a channel's stream sessions, newest first" },
  args: {
    ...stackChannelArg,
    ...globalArgs,
  },
  examples: ["ivsctl stream sessions demo", "ivsctl stream sessions demo -o json | jq -r '.streamSessions[0].streamId'"],
  options: (args) => ({ channel: args.positional("channel") }),
  run: () => import("../../src/channel/streams.ts").then((m) => m.listSessions),
});
