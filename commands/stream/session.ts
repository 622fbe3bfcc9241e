import { globalArgs } from "../../src/cli/args.ts";
import { defineLeaf } from "../../src/cli/command.ts";

export default defineLeaf({
  meta: { name: "session", description: "Show one stream session: times, encoder settings, recording, events" },
  args: {
    channel: { type: "positional", description: "Channel ARN, id or name" },
    "session-id": { type: "positional", description: "Stream session id (st-…)" },
    ...globalArgs,
  },
  examples: ["ivsctl stream session demo st-1A2b3C4d5E6f7G8h9I0jKlM"],
  async handler(ctx, args) {
    const opts = { channel: args.requiredPositional("channel"), streamId: args.requiredPositional("session-id") };
    const { getSession } = await import("../../src/channel/streams.ts");
    await getSession(ctx, opts);
  },
});
