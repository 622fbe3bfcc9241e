import { globalArgs } from "../../src/cli/args.ts";
import { defineLeaf } from "../../src/cli/command.ts";

export default defineLeaf({
  meta: { name: "start", description: "Serve the emulator on one HTTP endpoint (foreground, or --detach)" },
  args: {
    port: { type: "string", description: "Port (0: any free port)", valueHint: "4599", default: "4599" },
    "ingest-port": { type: "string", description: "RTMPS ingest port (default: --port + 1; any free port when --port is 0)", valueHint: "4600" },
    state: { type: "string", description: "SQLite state file, or :memory: (default ~/.ivsctl/local.sqlite)", valueHint: "file" },
    detach: { type: "boolean", description: "Run in the background and return once it answers" },
    ...globalArgs,
  },
  examples: ["ivsctl local start --detach", "ivsctl local start --port 0 --state :memory:"],
  options: (args) => {
    const port = { min: 0, max: 65535 };
    return { port: args.integer("port", port) ?? 4599, portGiven: args.has("port"), ingestPort: args.integer("ingest-port", port), statePath: args.string("state"), detach: args.flag("detach") };
  },
  run: () => import("../../src/cli/local-daemon.ts").then((m) => m.startLocal),
});
