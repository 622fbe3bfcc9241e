import { globalArgs } from "../../src/cli/args.ts";
import { defineLeaf, noOptions } from "../../src/cli/command.ts";

export default defineLeaf({
  meta: { name: "status", description: "Say whether the emulator answers, and where" },
  args: { ...globalArgs },
  options: noOptions,
  run: () => import("../../src/cli/local-daemon.ts").then((m) => m.localStatus),
});
