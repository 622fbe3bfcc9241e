import { globalArgs } from "../../src/cli/args.ts";
import { defineLeaf } from "../../src/cli/command.ts";

export default defineLeaf({
  meta: { name: "decode", description: "Show a token's header and claims with readable times (no signature check)" },
  args: {
    token: { type: "positional", description: "The JWT, a playback URL with ?token=, or - for stdin" },
    ...globalArgs,
  },
  examples: ["ivsctl token decode \"$TOKEN\"", "ivsctl channel token demo --key-file k.pem -o json | jq -r .token | ivsctl token decode -"],
  options: (args) => ({ token: args.requiredPositional("token") }),
  run: () => import("../../src/tokens/decode.ts").then((m) => m.decodeToken),
});
