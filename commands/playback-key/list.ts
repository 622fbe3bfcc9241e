import { globalArgs } from "../../src/cli/args.ts";
import { defineLeaf } from "../../src/cli/command.ts";

export default defineLeaf({
  meta: { name: "list", description: "List playback key pairs of the region" },
  args: { ...globalArgs },
  examples: ["ivsctl playback-key list", "ivsctl playback-key list -o json | jq -r '.keyPairs[].arn'"],
  async handler(ctx) {
    const { listPlaybackKeys } = await import("../../src/channel/playback-keys.ts");
    await listPlaybackKeys(ctx);
  },
});
