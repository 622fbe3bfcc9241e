import { globalArgs } from "../../src/cli/args.ts";
import { defineLeaf } from "../../src/cli/command.ts";
import { MAX_RESOLUTIONS, MAX_TOKEN_COUNT } from "../../src/tokens/playback.ts";
import { keyFileArg, stackChannelArg } from "../args.ts";

export default defineLeaf({
  meta: { name: "token", description: "Sign a playback token (ES384 JWT) for a private channel and print the ready playback URL" },
  args: {
    ...stackChannelArg,
    ...keyFileArg("Private key PEM file (P-384)", "key"),
    secret: { type: "string", description: "Secrets Manager secret holding the private key PEM", valueHint: "id" },
    ttl: { type: "string", description: "Lifetime of the token (exp = now + ttl, in seconds)", valueHint: "1h", default: "1h" },
    origin: { type: "string", description: "Allowed origin (https://*.example.com wildcards)", valueHint: "url", repeatable: true },
    "strict-origin": { type: "boolean", description: "Enforce the origins on every request (at most 5 origins)" },
    "viewer-id": { type: "string", description: "Viewer id for session revocation (at most 40 characters; ttl at most 10m)", valueHint: "id" },
    "viewer-session-version": { type: "string", description: "Viewer session version (whole number >= 0)", valueHint: "n" },
    "single-use": { type: "boolean", description: "Add a single-use uuid (ttl at most 10m)" },
    "max-resolution": { type: "string", description: "Highest rendition the viewer may play", valueHint: MAX_RESOLUTIONS.join("|") },
    count: { type: "string", description: "Mint N tokens offline, one per line (JSON Lines with -o json)", valueHint: "n", default: "1" },
    ...globalArgs,
  },
  examples: [
    "ivsctl channel token private-demo --key-file playback.pem --ttl 2h",
    "ivsctl channel token private-demo --secret ivs/playback-key --origin https://example.com --strict-origin",
    "ivsctl channel token private-demo --key-file playback.pem --single-use --ttl 5m --count 100 -o json > tokens.jsonl",
  ],
  options: (args) => ({
    channel: args.positional("channel"),
    keyFile: args.string("key-file"),
    secret: args.string("secret"),
    ttlMs: args.duration("ttl") ?? 3_600_000,
    origins: args.list("origin"),
    strictOrigin: args.flag("strict-origin"),
    viewerId: args.string("viewer-id"),
    viewerSessionVersion: args.integer("viewer-session-version", { min: 0 }),
    singleUse: args.flag("single-use"),
    maxResolution: args.choice("max-resolution", MAX_RESOLUTIONS),
    count: args.integer("count", { min: 1, max: MAX_TOKEN_COUNT }) ?? 1,
  }),
  run: () => import("../../src/channel/playback-token.ts").then((m) => m.channelToken),
});
