import { globalArgs } from "../../src/cli/args.ts";
import { defineLeaf } from "../../src/cli/command.ts";
import { STREAM_HEALTH } from "../../src/channel/stream-health.ts";

export default defineLeaf({
  meta: { name: "list", description: "List live streams of the region" },
  args: {
    health: { type: "string", description: "Only streams with this health", valueHint: STREAM_HEALTH.join("|") },
    ...globalArgs,
  },
  examples: ["ivsctl stream list", "ivsctl stream list --health STARVING -o json"],
  options: (args) => ({ health: args.choice("health", STREAM_HEALTH) }),
  run: () => import("../../src/channel/streams.ts").then((m) => m.listStreams),
});
