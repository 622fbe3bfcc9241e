import { globalArgs, mutatingArgs } from "../../src/cli/args.ts";
import { defineLeaf } from "../../src/cli/command.ts";
import { roleArgs, roleOverridesFrom } from "../../src/stack/roles.ts";
import { keyFileArg } from "../args.ts";

export default defineLeaf({
  meta: { name: "rotate", description: "Rotate the signing key: import, store, switch, retire the old key after a grace period, restart VPs; rolls back on failure" },
  args: {
    grace: { type: "string", description: "Keep the previous public key this long (0s deletes it at once, as the sample does). Default 24h", valueHint: "24h" },
    ...keyFileArg("Without a stack: write the new private key here (mode 0600)", "private-key-file"),
    verbose: { type: "boolean", description: "With -o json, the step lines on stderr too" },
    "restart-vps": { type: "boolean", description: "Restart running VP tasks after the switch (default with a stack; --no-restart-vps to skip)" },
    ...roleArgs,
    ...mutatingArgs,
    ...globalArgs,
  },
  examples: [
    "ivsctl keys rotate --stack my-vp-stack --dry-run",
    "ivsctl keys rotate --stack my-vp-stack --grace 12h",
    "ivsctl keys rotate --stack my-vp-stack --grace 0s --no-restart-vps",
    "ivsctl keys rotate --key-file ./signing.pem",
  ],
  options: (args) => ({
    graceMs: args.duration("grace") ?? 24 * 3_600_000,
    privateKeyFile: args.string("key-file"),
    overrides: roleOverridesFrom(args),
    restartVps: args.bool("restart-vps"),
    verbose: args.flag("verbose"),
  }),
  run: () => import("../../src/stack/backend.ts").then((m) => m.rotateKeys),
});
