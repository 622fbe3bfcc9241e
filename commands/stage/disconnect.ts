import { globalArgs, mutatingArgs } from "../../src/cli/args.ts";
import { defineLeaf } from "../../src/cli/command.ts";

export default defineLeaf({
  meta: { name: "disconnect", description: "Disconnect a participant from a stage (IVS also revokes its token)" },
  args: {
    stage: { type: "positional", description: "Stage ARN, id or name" },
    "participant-id": { type: "positional", description: "Participant id" },
    reason: { type: "string", description: "Reason shown to the participant (at most 128 characters)", valueHint: "text" },
    ...mutatingArgs,
    ...globalArgs,
  },
  examples: ["ivsctl stage disconnect demo AbCdEf012345 --reason 'removed by moderator'"],
  options: (args) => ({ stage: args.requiredPositional("stage"), participantId: args.requiredPositional("participant-id"), reason: args.string("reason") }),
  run: () => import("../../src/stage/stages.ts").then((m) => m.disconnect),
});
