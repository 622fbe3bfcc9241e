import { globalArgs, mutatingArgs } from "../../src/cli/args.ts";
import { defineLeaf } from "../../src/cli/command.ts";
import { roleArgs, roleOverridesFrom } from "../../src/stack/roles.ts";
import { parseAttributes } from "../../src/tokens/participant.ts";
import { parseEnv } from "../../src/vp/options.ts";

export default defineLeaf({
  meta: { name: "invite", description: "Run a virtual participant (one ECS task) that joins the stage with a fresh participant token" },
  args: {
    stage: { type: "positional", description: "Stage ARN, id or name" },
    asset: { type: "string", description: "Video asset the VP publishes (passed as ASSET_NAME)", valueHint: "name" },
    "user-id": { type: "string", description: "The participant's user id (in the token)", valueHint: "id" },
    attribute: { type: "string", description: "Token attribute as key=value (at most 1 KB in all)", valueHint: "k=v", repeatable: true },
    env: { type: "string", description: "Extra container environment NAME=VALUE", valueHint: "NAME=VALUE", repeatable: true },
    wait: { type: "boolean", description: "Wait until the task is RUNNING and the participant CONNECTED" },
    timeout: { type: "string", description: "How long --wait waits (exit 6 after)", valueHint: "120s" },
    "if-none": { type: "boolean", description: "Exit 0 (invited: false) when the stage already has an active VP, for re-runs" },
    force: { type: "boolean", description: "Run another VP even if the stage has an active one" },
    ...roleArgs,
    ...mutatingArgs,
    ...globalArgs,
  },
  examples: [
    "ivsctl vp invite demo-stage --asset intro.mp4 --wait --stack my-vp",
    "ivsctl vp invite arn:aws:ivs:us-west-2:123456789012:stage/AbCdEf012345 --user-id bot --attribute role=host --dry-run",
  ],
  options: (args, env) => ({
    stage: args.requiredPositional("stage"),
    asset: args.string("asset"),
    userId: args.string("user-id"),
    attributes: parseAttributes(args.list("attribute")),
    env: parseEnv(args.list("env")),
    wait: args.flag("wait"),
    timeoutMs: args.duration("timeout"),
    force: args.flag("force"),
    ifNone: args.flag("if-none"),
    overrides: roleOverridesFrom(args),
  }),
  run: () => import("../../src/stack/backend.ts").then((m) => m.inviteVp),
});
