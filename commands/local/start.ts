import { globalArgs } from "../../src/cli/args.ts";
import { defineLeaf } from "../../src/cli/command.ts";
import { usageError } from "../../src/cli/errors.ts";

export default defineLeaf({
  meta: { name: "start", description: "Serve the emulator on one HTTP endpoint (foreground, or --detach)" },
  args: {
    port: { type: "string", description: "Port (0: any free port)", valueHint: "4599", default: "4599" },
    state: { type: "string", description: "SQLite state file, or :memory: (default ~/.ivsctl/local.sqlite)", valueHint: "file" },
    detach: { type: "boolean", description: "Run in the background and return once it answers" },
    ...globalArgs,
  },
  examples: ["ivsctl local start --detach", "ivsctl local start --port 0 --state :memory:"],
  async handler(ctx, args) {
    const portText = args.string("port") ?? "4599";
    const port = Number(portText);
    if (!/^\d+$/.test(portText) || port > 65535) throw usageError(`--port must be 0-65535 (got "${portText}")`);
    const opts = { port, statePath: args.string("state"), detach: args.flag("detach") };
    const { startLocal } = await import("../../src/local/daemon.ts");
    await startLocal(ctx, opts);
  },
});
