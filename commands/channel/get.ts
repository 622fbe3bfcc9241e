import { globalArgs } from "../../src/cli/args.ts";
import { defineLeaf } from "../../src/cli/command.ts";
import { stackChannelArg } from "../args.ts";

export default defineLeaf({
  meta: { name: "get", description: "Show one channel (by ARN, id or name)" },
  args: {
    ...stackChannelArg,
    ...globalArgs,
  },
  examples: ["ivsctl channel get demo", "ivsctl channel get arn:aws:ivs:us-west-2:123456789012:channel/AbCdEf012345 -o json"],
  options: (args) => args.positional("channel"),
  run: () => import("../../src/channel/channels.ts").then((m) => m.getChannel),
});
