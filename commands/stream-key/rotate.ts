import { globalArgs, mutatingArgs } from "../../src/cli/args.ts";
import { defineLeaf } from "../../src/cli/command.ts";
import { stackChannelArg } from "../args.ts";

export default defineLeaf({
  meta: { name: "rotate", description: "Replace a channel's stream key and print the new ingest URL (refuses on a LIVE channel without --force)" },
  args: {
    ...stackChannelArg,
    force: { type: "boolean", description: "Rotate even while the channel is LIVE (cuts the broadcast), or when a stack manages it (the stack drifts)" },
    ...mutatingArgs,
    ...globalArgs,
  },
  examples: ["ivsctl stream-key rotate demo --yes", "ivsctl stream-key rotate demo --dry-run"],
  options: (args) => ({ channel: args.positional("channel"), force: args.flag("force") }),
  run: () => import("../../src/channel/stream-keys.ts").then((m) => m.rotateStreamKey),
});
