import { globalArgs } from "../../src/cli/args.ts";
import { defineLeaf } from "../../src/cli/command.ts";
import { stackChannelArg } from "../args.ts";

export default defineLeaf({
  meta: { name: "get", description: "Show a channel's stream: state, health, viewers, and the encoder's video/audio settings" },
  args: {
    ...stackChannelArg,
    ...globalArgs,
  },
  examples: ["ivsctl stream get demo", "ivsctl stream get demo -o json | jq -r .stream.state"],
  options: (args) => ({ channel: args.positional("channel") }),
  run: () => import("../../src/channel/streams.ts").then((m) => m.getStream),
});
