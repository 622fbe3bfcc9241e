import { globalArgs } from "../../src/cli/args.ts";
import { defineLeaf } from "../../src/cli/command.ts";

export default defineLeaf({
  meta: { name: "get", description: "Show a recording configuration (by ARN, id or name)" },
  args: {
    recording: { type: "positional", description: "Recording configuration ARN, id or name" },
    ...globalArgs,
  },
  examples: ["ivsctl recording get vods -o json | jq -r .recordingConfiguration.state"],
  async handler(ctx, args) {
    const ref = args.requiredPositional("recording");
    const { getRecording } = await import("../../src/channel/recording.ts");
    await getRecording(ctx, ref);
  },
});
