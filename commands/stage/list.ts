import { globalArgs } from "../../src/cli/args.ts";
import { defineLeaf } from "../../src/cli/command.ts";

export default defineLeaf({
  meta: { name: "list", description: "List stages" },
  args: { ...globalArgs },
  examples: ["ivsctl stage list", "ivsctl stage list -o json | jq -r '.stages[].arn'"],
  async handler(ctx) {
    const { listStages } = await import("../../src/stage/stages.ts");
    await listStages(ctx);
  },
});
