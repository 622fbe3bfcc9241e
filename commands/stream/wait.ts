import { globalArgs } from "../../src/cli/args.ts";
import { defineLeaf } from "../../src/cli/command.ts";
import { STREAM_STATES } from "../../src/channel/stream-health.ts";
import { channelArg } from "../args.ts";

export default defineLeaf({
  meta: { name: "wait", description: "Wait until the channel's stream is LIVE (or OFFLINE); exit 6 after --timeout. For CI: no sleep, no polling loop" },
  args: {
    ...channelArg,
    state: { type: "string", description: "LIVE (default) or OFFLINE", valueHint: "LIVE|OFFLINE" },
    timeout: { type: "string", description: "How long to wait (default 30s; exit 6 after)", valueHint: "30s" },
    ...globalArgs,
  },
  examples: ["ivsctl ingest demo --duration 60s & ivsctl stream wait demo --timeout 30s", "ivsctl stream wait demo --state OFFLINE"],
  options: (args) => ({ channel: args.requiredPositional("channel"), state: args.choice("state", STREAM_STATES) ?? "LIVE", timeoutMs: args.duration("timeout") ?? 30_000 }),
  run: () => import("../../src/channel/streams.ts").then((m) => m.waitStream),
});
