import type { FlagDefs, ParsedArgs } from "../../src/cli/args.ts";
import { roleOverridesFrom } from "../../src/stack/roles.ts";
import { keyFileArg, keySecretArg } from "../args.ts";
import { DEFAULT_DURATION_MINUTES, durationMinutesOf, parseAttributes, parseCapabilities, type TokenOptions } from "../../src/tokens/participant.ts";

/** Flags that say where the signing key of self-signed tokens is (besides --stack). */
export const keySourceArgs = {
  ...keySecretArg,
  ...keyFileArg("Sign with this P-384 private key PEM instead of the stack's secret", "private-key-file"),
  "public-key-arn": { type: "string", description: "ARN of the imported public half (with --key-file)", valueHint: "arn" },
} as const satisfies FlagDefs;

export function keySourceFrom(args: ParsedArgs) {
  const overrides = roleOverridesFrom(args);
  return { privateKeyFile: args.string("key-file"), publicKeyArn: args.string("public-key-arn"), overrides };
}

/** `--user-id`, `--capabilities`, `--attribute k=v`, `--ttl` -> checked token options. */
export function tokenOptionsFrom(args: ParsedArgs, prefix = ""): TokenOptions {
  const d = args.duration(`${prefix}ttl`);
  return {
    userId: args.string(`${prefix}user-id`),
    capabilities: parseCapabilities(args.string(`${prefix}capabilities`), `--${prefix}capabilities`),
    attributes: parseAttributes(args.list(`${prefix}attribute`)),
    durationMinutes: d === undefined ? DEFAULT_DURATION_MINUTES : durationMinutesOf(d, `--${prefix}ttl`),
  };
}

export function tokenArgs(prefix = "") {
  return {
    [`${prefix}user-id`]: { type: "string", description: "User id in the token (at most 128 characters)", valueHint: "id" },
    [`${prefix}capabilities`]: { type: "string", description: "Comma-separated: publish, subscribe (default both)", valueHint: "publish,subscribe" },
    [`${prefix}attribute`]: { type: "string", description: "Attribute key=value (repeatable; 1 KB in total)", valueHint: "k=v", repeatable: true },
    [`${prefix}ttl`]: { type: "string", description: "Token lifetime, 1m to 14d (default 12h)", valueHint: "12h", alias: [`${prefix}duration`] },
  } as FlagDefs;
}
