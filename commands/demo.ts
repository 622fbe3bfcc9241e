import { globalArgs } from "../src/cli/args.ts";
import { defineLeaf } from "../src/cli/command.ts";

export default defineLeaf({
  meta: { name: "demo", description: "Walk the whole mission against the embedded emulator (no AWS account needed)" },
  args: { ...globalArgs },
  examples: ["ivsctl demo", "bun run demo"],
  async handler(ctx) {
    const { runDemo } = await import("../src/demo/demo.ts");
    const { demoSteps } = await import("../src/demo/steps.ts");
    await runDemo(ctx.io, ctx.env, ctx.globals, { showSecrets: ctx.globals.showSecrets, steps: demoSteps });
  },
});
