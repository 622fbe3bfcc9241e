import { globalArgs, mutatingArgs } from "../../src/cli/args.ts";
import { defineLeaf } from "../../src/cli/command.ts";
import { parseTags } from "../../src/aws/tags.ts";

export default defineLeaf({
  meta: { name: "create", description: "Create a stream key for a channel that has none (IVS allows one per channel)" },
  args: {
    channel: { type: "positional", description: "Channel ARN, id or name" },
    tag: { type: "string", description: "Tag as key=value", valueHint: "k=v", repeatable: true },
    ...mutatingArgs,
    ...globalArgs,
  },
  examples: ["ivsctl stream-key create demo", "ivsctl stream-key create demo --show-secrets -o json | jq -r .ingestUrl"],
  async handler(ctx, args) {
    const opts = { channel: args.requiredPositional("channel"), tags: parseTags(args.list("tag"), ctx.env), dryRun: ctx.globals.dryRun };
    const { createStreamKey } = await import("../../src/channel/stream-keys.ts");
    await createStreamKey(ctx, opts);
  },
});
