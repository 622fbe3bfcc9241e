import { globalArgs } from "../../src/cli/args.ts";
import { defineLeaf, noOptions } from "../../src/cli/command.ts";

export default defineLeaf({
  meta: { name: "list", description: "List recording configurations" },
  args: { ...globalArgs },
  examples: ["ivsctl recording list", "ivsctl recording list -o json | jq -r '.recordingConfigurations[] | select(.state==\"ACTIVE\") | .arn'"],
  options: noOptions,
  run: () => import("../../src/channel/recording.ts").then((m) => m.listRecordings),
});
