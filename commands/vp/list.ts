import { globalArgs } from "../../src/cli/args.ts";
import { defineLeaf } from "../../src/cli/command.ts";
import { roleArgs, roleOverridesFrom } from "../../src/stack/roles.ts";

export default defineLeaf({
  meta: { name: "list", description: "VP tasks: stage, participant id, ECS status, start time, stop reason" },
  args: {
    stage: { type: "string", description: "Only this stage's VPs (ARN, id or name)", valueHint: "stage" },
    all: { type: "boolean", description: "Include stopped tasks (ECS keeps them about an hour)" },
    ...roleArgs,
    ...globalArgs,
  },
  examples: ["ivsctl vp list --stack my-vp", "ivsctl vp list --stage demo-stage --all -o json"],
  options: (args) => ({ stage: args.string("stage"), all: args.flag("all"), overrides: roleOverridesFrom(args) }),
  run: () => import("../../src/stack/backend.ts").then((m) => m.listVps),
});
