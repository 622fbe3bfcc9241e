import { globalArgs } from "../../src/cli/args.ts";
import { defineLeaf } from "../../src/cli/command.ts";

export default defineLeaf({
  meta: { name: "decode", description: "Show a token's header and claims with readable times (no signature check)" },
  args: {
    token: { type: "positional", description: "The JWT, a playback URL with ?token=, or - for stdin" },
    ...globalArgs,
  },
  examples: ["ivsctl token decode \"$TOKEN\"", "ivsctl channel token demo --key k.pem -o json | jq -r .token | ivsctl token decode -"],
  async handler(ctx, args) {
    const opts = { token: args.requiredPositional("token") };
    const { decodeToken } = await import("../../src/tokens/decode.ts");
    await decodeToken(ctx, opts);
  },
});
