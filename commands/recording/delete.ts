import { globalArgs, mutatingArgs } from "../../src/cli/args.ts";
import { defineLeaf } from "../../src/cli/command.ts";
import { ifExistsArg } from "../args.ts";

export default defineLeaf({
  meta: { name: "delete", description: "Delete a recording configuration (asks first; a channel still using it is exit 5)" },
  args: {
    recording: { type: "positional", description: "Recording configuration ARN, id or name" },
    ...ifExistsArg,
    ...mutatingArgs,
    ...globalArgs,
  },
  examples: ["ivsctl recording delete vods --yes"],
  options: (args) => ({ recording: args.requiredPositional("recording"), ifExists: args.flag("if-exists") }),
  run: () => import("../../src/channel/recording.ts").then((m) => m.deleteRecording),
});
