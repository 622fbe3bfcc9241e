import { globalArgs } from "../../src/cli/args.ts";
import { defineLeaf } from "../../src/cli/command.ts";

export default defineLeaf({
  meta: { name: "get", description: "Show a recording configuration (by ARN, id or name)" },
  args: {
    recording: { type: "positional", description: "Recording configuration ARN, id or name (default: the --stack's, or its channel's)", required: false },
    ...globalArgs,
  },
  examples: ["ivsctl recording get vods -o json | jq -r .recordingConfiguration.state"],
  options: (args) => args.positional("recording"),
  run: () => import("../../src/channel/recording.ts").then((m) => m.getRecording),
});
