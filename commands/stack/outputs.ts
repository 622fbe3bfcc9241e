import { globalArgs } from "../../src/cli/args.ts";
import { defineLeaf } from "../../src/cli/command.ts";
import { roleArgs, roleOverridesFrom } from "../../src/stack/roles.ts";

export default defineLeaf({
  meta: { name: "outputs", description: "Show a stack's outputs and the resolved roles (flag > env > output > resource)" },
  args: { ...roleArgs, ...globalArgs },
  examples: ["ivsctl stack outputs --stack ivsctl-local --local", "ivsctl stack outputs --stack my-vp -o json | jq .Roles.cluster"],
  options: (args) => ({ overrides: roleOverridesFrom(args) }),
  run: () => import("../../src/stack/outputs.ts").then((m) => m.showStackOutputs),
});
