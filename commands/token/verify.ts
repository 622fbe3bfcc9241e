import { globalArgs } from "../../src/cli/args.ts";
import { defineLeaf } from "../../src/cli/command.ts";

export default defineLeaf({
  meta: { name: "verify", description: "Check a token's ES384 signature and expiry (exit 5 when either fails)" },
  args: {
    token: { type: "positional", description: "The JWT, a playback URL with ?token=, or - for stdin" },
    "public-key": {
      type: "string",
      description: "PEM file (public or private key), or a real-time public-key ARN (fetched); default: the token's kid",
      valueHint: "file|arn",
    },
    ...globalArgs,
  },
  examples: ["ivsctl token verify \"$TOKEN\" --public-key public.pem", "ivsctl token verify \"$PARTICIPANT_TOKEN\" --public-key arn:aws:ivs:us-east-1:123456789012:public-key/AbCdEf012345"],
  options: (args) => ({ token: args.requiredPositional("token"), publicKey: args.string("public-key") }),
  run: () => import("../../src/tokens/decode.ts").then((m) => m.verifyToken),
});
