import { globalArgs, mutatingArgs } from "../../src/cli/args.ts";
import { defineLeaf } from "../../src/cli/command.ts";
import { roleOverridesFrom } from "../../src/stack/roles.ts";
import { keySecretArg } from "../args.ts";

export default defineLeaf({
  meta: { name: "prune", description: "Delete public keys whose grace period after a rotation is over (never the current key)" },
  args: { ...keySecretArg, ...mutatingArgs, ...globalArgs },
  examples: ["ivsctl keys prune --stack my-vp-stack --dry-run", "ivsctl keys prune --stack my-vp-stack"],
  options: (args) => ({ overrides: roleOverridesFrom(args) }),
  run: () => import("../../src/keys/keys.ts").then((m) => m.pruneKeys),
});
