import { globalArgs } from "../../src/cli/args.ts";
import { defineLeaf } from "../../src/cli/command.ts";

export default defineLeaf({
  meta: { name: "sessions", description: "Sessions of a stage, newest first" },
  args: {
    stage: { type: "positional", description: "Stage ARN, id or name" },
    ...globalArgs,
  },
  examples: ["ivsctl stage sessions demo"],
  options: (args) => args.requiredPositional("stage"),
  run: () => import("../../src/stage/stages.ts").then((m) => m.listSessions),
});
