import { globalArgs } from "../../src/cli/args.ts";
import { defineLeaf } from "../../src/cli/command.ts";

export default defineLeaf({
  meta: { name: "list", description: "List recording configurations" },
  args: { ...globalArgs },
  examples: ["ivsctl recording list", "ivsctl recording list -o json | jq -r '.recordingConfigurations[] | select(.state==\"ACTIVE\") | .arn'"],
  async handler(ctx) {
    const { listRecordings } = await import("../../src/channel/recording.ts");
    await listRecordings(ctx);
  },
});
