import { globalArgs } from "../../src/cli/args.ts";
import { defineLeaf } from "../../src/cli/command.ts";
import { channelArg } from "../args.ts";

export default defineLeaf({
  meta: { name: "session", description: "Show one stream session: times, encoder settings, recording, events" },
  args: {
    ...channelArg,
    "session-id": { type: "positional", description: "Stream session id (st-…)" },
    ...globalArgs,
  },
  examples: ["ivsctl stream session demo st-1A2b3C4d5E6f7G8h9I0jKlM"],
  options: (args) => ({ channel: args.requiredPositional("channel"), streamId: args.requiredPositional("session-id") }),
  run: () => import("../../src/channel/streams.ts").then((m) => m.getSession),
});
