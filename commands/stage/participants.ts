import { globalArgs } from "../../src/cli/args.ts";
import { defineLeaf } from "../../src/cli/command.ts";
import { PARTICIPANT_STATES } from "../../src/stage/options.ts";

export default defineLeaf({
  meta: { name: "participants", description: "Participants of a stage session (default: the active, else the latest session)" },
  args: {
    stage: { type: "positional", description: "Stage ARN, id or name" },
    session: { type: "string", description: "Stage session id (st-…)", valueHint: "id" },
    state: { type: "string", description: "Only participants in this state", valueHint: PARTICIPANT_STATES.join("|") },
    ...globalArgs,
  },
  examples: ["ivsctl stage participants demo --state CONNECTED", "ivsctl stage participants demo --session st-AbCdEf0123456 -o json"],
  options: (args) => ({ stage: args.requiredPositional("stage"), session: args.string("session"), state: args.choice("state", PARTICIPANT_STATES) }),
  run: () => import("../../src/stage/stages.ts").then((m) => m.listParticipants),
});
