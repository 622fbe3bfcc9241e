import { globalArgs } from "../../src/cli/args.ts";
import { defineLeaf, noOptions } from "../../src/cli/command.ts";

export default defineLeaf({
  meta: { name: "list", description: "List playback key pairs of the region" },
  args: { ...globalArgs },
  examples: ["ivsctl playback-key list", "ivsctl playback-key list -o json | jq -r '.keyPairs[].arn'"],
  options: noOptions,
  run: () => import("../../src/channel/playback-keys.ts").then((m) => m.listPlaybackKeys),
});
