import { globalArgs } from "../../src/cli/args.ts";
import { defineLeaf } from "../../src/cli/command.ts";

export default defineLeaf({
  meta: { name: "stop", description: "Stop a detached emulator" },
  args: { ...globalArgs },
  async handler(ctx) {
    const { stopLocal } = await import("../../src/cli/local-daemon.ts");
    await stopLocal(ctx);
  },
});
