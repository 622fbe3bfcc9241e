import { globalArgs } from "../../src/cli/args.ts";
import { defineLeaf } from "../../src/cli/command.ts";

export default defineLeaf({
  meta: { name: "sessions", description: "List a channel's stream sessions, newest first" },
  args: {
    channel: { type: "positional", description: "Channel ARN, id or name" },
    ...globalArgs,
  },
  examples: ["ivsctl stream sessions demo", "ivsctl stream sessions demo -o json | jq -r '.streamSessions[0].streamId'"],
  async handler(ctx, args) {
    const opts = { channel: args.requiredPositional("channel") };
    const { listSessions } = await import("../../src/channel/streams.ts");
    await listSessions(ctx, opts);
  },
});
