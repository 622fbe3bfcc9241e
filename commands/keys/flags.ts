import type { FlagDefs } from "../../src/cli/args.ts";

export const keySecretArg = {
  "key-secret": { type: "string", description: "Secrets Manager secret holding the signing key (env IVSCTL_KEY_SECRET; default: the stack's)", valueHint: "arn" },
} as const satisfies FlagDefs;
