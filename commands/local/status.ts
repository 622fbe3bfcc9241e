import { globalArgs } from "../../src/cli/args.ts";
import { defineLeaf } from "../../src/cli/command.ts";

export default defineLeaf({
  meta: { name: "status", description: "Say whether the emulator answers, and where" },
  args: { ...globalArgs },
  async handler(ctx) {
    const { localStatus } = await import("../../src/cli/local-daemon.ts");
    await localStatus(ctx);
  },
});
