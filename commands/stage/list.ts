import { globalArgs } from "../../src/cli/args.ts";
import { defineLeaf, noOptions } from "../../src/cli/command.ts";

export default defineLeaf({
  meta: { name: "list", description: "List stages" },
  args: { ...globalArgs },
  examples: ["ivsctl stage list", "ivsctl stage list -o json | jq -r '.stages[].arn'"],
  options: noOptions,
  run: () => import("../../src/stack/backend.ts").then((m) => m.listStages),
});
