import { globalArgs } from "../src/cli/args.ts";
import { defineLeaf, noOptions } from "../src/cli/command.ts";

export default defineLeaf({
  meta: { name: "demo", description: "Walk the whole mission against the embedded emulator (no AWS account needed)" },
  args: { ...globalArgs },
  examples: ["ivsctl demo", "bun run demo"],
  options: noOptions,
  run: () => import("../src/demo/demo.ts").then((m) => m.runDemoCommand),
});
