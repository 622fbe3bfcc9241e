import { globalArgs } from "../../src/cli/args.ts";
import { defineLeaf } from "../../src/cli/command.ts";
import { roleOverridesFrom } from "../../src/stack/roles.ts";
import { keySecretArg } from "../args.ts";

export default defineLeaf({
  meta: { name: "list", description: "Imported public keys: which is current for the stack, when each was imported, grace periods" },
  args: { ...keySecretArg, ...globalArgs },
  examples: ["ivsctl keys list", "ivsctl keys list --stack my-vp-stack -o json | jq -r .currentPublicKeyArn"],
  options: (args) => ({ overrides: roleOverridesFrom(args) }),
  run: () => import("../../src/stack/backend.ts").then((m) => m.listKeys),
});
