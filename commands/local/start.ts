import { globalArgs } from "../../src/cli/args.ts";
import { defineLeaf } from "../../src/cli/command.ts";
import { usageError } from "../../src/cli/errors.ts";

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
  async handler(ctx, args) {
    const portText = args.string("port") ?? "4599";
    const port = Number(portText);
    if (!/^\d+$/.test(portText) || port > 65535) throw usageError(`--port must be 0-65535 (got "${portText}")`);
    const ingestText = args.string("ingest-port");
    if (ingestText !== undefined && (!/^\d+$/.test(ingestText) || Number(ingestText) > 65535)) throw usageError(`--ingest-port must be 0-65535 (got "${ingestText}")`);
    const opts = { port, ingestPort: ingestText === undefined ? undefined : Number(ingestText), statePath: args.string("state"), detach: args.flag("detach") };
    const { startLocal } = await import("../../src/local/daemon.ts");
    await startLocal(ctx, opts);
  },
});
