import { globalArgs } from "../../src/cli/args.ts";
import { defineLeaf, noOptions } from "../../src/cli/command.ts";

export default defineLeaf({
  meta: { name: "stop", description: "Stop a detached emulator" },
  args: { ...globalArgs },
  options: noOptions,
  run: () => import("../../src/cli/local-daemon.ts").then((m) => m.stopLocal),
});
