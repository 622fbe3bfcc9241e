/** Flag definitions that several commands share: one wording each (nuxi's shared arguments). */
import type { FlagDefs } from "../src/cli/args.ts";
import { ROLE_SPECS } from "../src/stack/roles.ts";

/** `--tag key=value`, on every command that creates something. */
export const tagArg = {
  tag: { type: "string", description: "Tag as key=value (IVSCTL_DEFAULT_TAGS are added)", valueHint: "k=v", repeatable: true },
} as const satisfies FlagDefs;

/** The channel a command acts on. */
export const channelArg = {
  channel: { type: "positional", description: "Channel ARN, id or name" },
} as const satisfies FlagDefs;

/** The channel, or one of its stream keys by ARN. */
export const channelOrStreamKeyArg = {
  channel: { type: "positional", description: "Channel ARN, id or name, or a stream-key ARN" },
} as const satisfies FlagDefs;

/** `--key-secret`: the stack role that holds the participant-token signing key. */
export const keySecretArg = {
  "key-secret": { type: "string", description: `${ROLE_SPECS.keySecret.description} (env ${ROLE_SPECS.keySecret.env}; default: the stack's)`, valueHint: "arn" },
} as const satisfies FlagDefs;

/**
 * One name per idea across commands (old names stay as hidden aliases for one release):
 * a private key PEM file is `--key-file`, a token lifetime `--ttl`.
 */
export const keyFileArg = (description: string, oldName: string) =>
  ({ "key-file": { type: "string", description, valueHint: "file", alias: [oldName] } }) as const satisfies FlagDefs;

/** `--if-exists` on deletes: a resource that is already gone is success, for re-runs. */
export const ifExistsArg = {
  "if-exists": { type: "boolean", description: "Exit 0 when it is already gone (for re-runs)" },
} as const satisfies FlagDefs;

/** The channel, or (when absent) the channel of `--stack` / IVSCTL_STACK. */
export const stackChannelArg = {
  channel: { type: "positional", description: "Channel ARN, id or name (default: the --stack's channel)", required: false },
} as const satisfies FlagDefs;

/** `--force` on changes to a resource a CloudFormation stack manages (the stack drifts). */
export const forceStackArg = {
  force: { type: "boolean", description: "Change it even if a CloudFormation stack manages it (the stack drifts)" },
} as const satisfies FlagDefs;
