import { globalArgs } from "../../src/cli/args.ts";
import { defineLeaf, positionalOption } from "../../src/cli/command.ts";

export default defineLeaf({
  meta: { name: "get", description: "Show one stage (by ARN, id or name) with its endpoints" },
  args: {
    stage: { type: "positional", description: "Stage ARN, id or name" },
    ...globalArgs,
  },
  examples: ["ivsctl stage get demo", "ivsctl stage get demo -o json | jq -r .stage.endpoints.whip"],
  options: positionalOption("stage"),
  run: () => import("../../src/stage/stages.ts").then((m) => m.getStage),
});
