import { globalArgs, mutatingArgs } from "../../src/cli/args.ts";
import { defineLeaf } from "../../src/cli/command.ts";
import { ifExistsArg } from "../args.ts";

export default defineLeaf({
  meta: { name: "delete", description: "Delete a playback key pair (asks first): tokens signed with it stop working" },
  args: {
    key: { type: "positional", description: "Playback key ARN, id or name" },
    ...ifExistsArg,
    ...mutatingArgs,
    ...globalArgs,
  },
  examples: ["ivsctl playback-key delete web --yes"],
  options: (args) => ({ key: args.requiredPositional("key"), ifExists: args.flag("if-exists") }),
  run: () => import("../../src/channel/playback-keys.ts").then((m) => m.deletePlaybackKey),
});
