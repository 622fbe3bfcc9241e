import { globalArgs } from "../../src/cli/args.ts";
import { defineLeaf, positionalOption } from "../../src/cli/command.ts";

export default defineLeaf({
  meta: { name: "get", description: "Show a playback key pair (ARN, name, fingerprint; IVS never returns key material)" },
  args: {
    key: { type: "positional", description: "Playback key ARN, id or name" },
    ...globalArgs,
  },
  examples: ["ivsctl playback-key get web"],
  options: positionalOption("key"),
  run: () => import("../../src/channel/playback-keys.ts").then((m) => m.getPlaybackKey),
});
