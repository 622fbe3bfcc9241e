import { globalArgs, mutatingArgs } from "../src/cli/args.ts";
import { defineLeaf } from "../src/cli/command.ts";
import { parseTags } from "../src/aws/tags.ts";

export default defineLeaf({
  meta: { name: "sweep", description: "Delete every stage, channel, recording configuration and key carrying a tag (asks; --yes)" },
  args: {
    tag: { type: "string", description: "Tag the resources must carry, key=value (all given must match)", valueHint: "k=v", repeatable: true },
    ...mutatingArgs,
    ...globalArgs,
  },
  examples: ["ivsctl sweep --tag ivsctl:e2e=run-1234 --dry-run", "ivsctl sweep --tag ivsctl:e2e=run-1234 --yes"],
  options: (args) => ({ tags: parseTags(args.list("tag"), {}) ?? {} }),
  run: () => import("../src/sweep/sweep.ts").then((m) => m.sweep),
});
