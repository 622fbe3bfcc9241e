import { globalArgs } from "../../src/cli/args.ts";
import { defineLeaf } from "../../src/cli/command.ts";
import { MAX_TOKEN_COUNT } from "../../src/tokens/playback.ts";
import { keySourceArgs, keySourceFrom, tokenArgs, tokenOptionsFrom } from "./flags.ts";

export default defineLeaf({
  meta: { name: "token", description: "Participant tokens for a stage: API (CreateParticipantToken) or self-signed ES384; --count N as JSON Lines" },
  args: {
    stage: { type: "positional", description: "Stage ARN, id or name" },
    ...tokenArgs(),
    "self-signed": { type: "boolean", description: "Sign with the current key (kid = public key ARN) instead of calling IVS" },
    "participant-id": { type: "string", description: "Participant id (jti) of a self-signed token; with --count, a prefix (-1, -2, …)", valueHint: "id" },
    count: { type: "string", description: "Mint N tokens, one JSON line each (self-signed: on every core)", valueHint: "N" },
    ...keySourceArgs,
    ...globalArgs,
  },
  examples: [
    "ivsctl stage token demo --user-id alice --capabilities subscribe --ttl 1h",
    "ivsctl stage token demo --attribute role=guest --attribute seat=12",
    "ivsctl stage token demo --self-signed --stack my-vp-stack --count 5000 -o json > tokens.jsonl",
  ],
  options: (args) => ({
    stage: args.requiredPositional("stage"),
    token: tokenOptionsFrom(args),
    selfSigned: args.flag("self-signed"),
    count: args.integer("count", { min: 1, max: MAX_TOKEN_COUNT }),
    participantId: args.string("participant-id"),
    ...keySourceFrom(args),
  }),
  run: () => import("../../src/stage/tokens.ts").then((m) => m.mintStageTokens),
});
