import { globalArgs } from "../../src/cli/args.ts";
import { defineLeaf, positionalOption } from "../../src/cli/command.ts";

export default defineLeaf({
  meta: { name: "get", description: "Show a recording configuration (by ARN, id or name)" },
  args: {
    recording: { type: "positional", description: "Recording configuration ARN, id or name" },
    ...globalArgs,
  },
  examples: ["ivsctl recording get vods -o json | jq -r .recordingConfiguration.state"],
  options: positionalOption("recording"),
  run: () => import("../../src/channel/recording.ts").then((m) => m.getRecording),
});
