import { globalArgs, mutatingArgs } from "../../src/cli/args.ts";
import { defineLeaf } from "../../src/cli/command.ts";
import { roleArgs, roleOverridesFrom } from "../../src/stack/roles.ts";

export default defineLeaf({
  meta: { name: "kick", description: "Stop the stage's VP task(s) and disconnect their participants, or KickVp on a VP-sample stack (no VP: exit 0)" },
  args: {
    stage: { type: "positional", description: "Stage ARN, id or name" },
    all: { type: "boolean", description: "Stop every VP of the stage (needed when it has several)" },
    participant: { type: "string", description: "Stop only the VP with this participant id", valueHint: "id" },
    wait: { type: "boolean", description: "VP-sample stacks: wait until the VP is AVAILABLE again" },
    timeout: { type: "string", description: "How long --wait waits (exit 6 after; default 2m)", valueHint: "120s" },
    ...roleArgs,
    ...mutatingArgs,
    ...globalArgs,
  },
  examples: ["ivsctl vp kick demo-stage --stack my-vp", "ivsctl vp kick demo-stage --all --stack my-vp -o json"],
  options: (args) => ({
    stage: args.requiredPositional("stage"),
    all: args.flag("all"),
    participantId: args.string("participant"),
    wait: args.flag("wait"),
    timeoutMs: args.duration("timeout"),
    overrides: roleOverridesFrom(args),
  }),
  run: () => import("../../src/stack/backend.ts").then((m) => m.kickVp),
});
