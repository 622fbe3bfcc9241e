import { globalArgs, mutatingArgs } from "../../src/cli/args.ts";
import { defineLeaf } from "../../src/cli/command.ts";
import { roleArgs, roleOverridesFrom } from "../../src/stack/roles.ts";
import { ifExistsArg } from "../args.ts";

export default defineLeaf({
  meta: { name: "delete", description: "Disconnect participants, stop the stage's VPs (with a stack), delete the stage (asks; --yes off a terminal)" },
  args: {
    stage: { type: "positional", description: "Stage ARN, id or name" },
    ...roleArgs,
    ...ifExistsArg,
    ...mutatingArgs,
    ...globalArgs,
  },
  examples: ["ivsctl stage delete demo --yes", "ivsctl stage delete demo --stack my-vp-stack --yes"],
  options: (args) => ({ stage: args.requiredPositional("stage"), overrides: roleOverridesFrom(args), ifExists: args.flag("if-exists") }),
  run: () => import("../../src/stack/backend.ts").then((m) => m.deleteStage),
});
