import { globalArgs, mutatingArgs } from "../../src/cli/args.ts";
import { defineLeaf } from "../../src/cli/command.ts";
import { parseTags } from "../../src/aws/tags.ts";
import { channelArg, tagArg } from "../args.ts";

export default defineLeaf({
  meta: { name: "create", description: "Create a stream key for a channel that has none (IVS allows one per channel)" },
  args: {
    ...channelArg,
    ...tagArg,
    ...mutatingArgs,
    ...globalArgs,
  },
  examples: ["ivsctl stream-key create demo", "ivsctl stream-key create demo --show-secrets -o json | jq -r .ingestUrl"],
  options: (args, env) => ({ channel: args.requiredPositional("channel"), tags: parseTags(args.list("tag"), env) }),
  run: () => import("../../src/channel/stream-keys.ts").then((m) => m.createStreamKey),
});
