import { globalArgs, mutatingArgs } from "../../src/cli/args.ts";
import { defineLeaf } from "../../src/cli/command.ts";
import { roleOverridesFrom } from "../../src/stack/roles.ts";
import { ifExistsArg, keySecretArg } from "../args.ts";

export default defineLeaf({
  meta: { name: "delete", description: "Delete a public key: tokens it signed stop working (refuses the stack's current key without --force)" },
  args: {
    arn: { type: "positional", description: "Public key ARN" },
    force: { type: "boolean", description: "Delete even the stack's current key" },
    ...keySecretArg,
    ...ifExistsArg,
    ...mutatingArgs,
    ...globalArgs,
  },
  examples: ["ivsctl keys delete arn:aws:ivs:us-west-2:123456789012:public-key/AbCdEf012345 --yes"],
  options: (args) => ({ arn: args.requiredPositional("arn"), force: args.flag("force"), overrides: roleOverridesFrom(args), ifExists: args.flag("if-exists") }),
  run: () => import("../../src/keys/keys.ts").then((m) => m.deleteKey),
});
