import { globalArgs } from "../src/cli/args.ts";
import { defineLeaf } from "../src/cli/command.ts";
import { usageError } from "../src/cli/errors.ts";
import { SHELLS, type Shell } from "../src/cli/completion.ts";

export default defineLeaf({
  meta: { name: "completion", description: "Print a shell completion script (bash, zsh or fish)" },
  args: {
    shell: { type: "positional", description: "bash, zsh or fish" },
    ...globalArgs,
  },
  examples: ["source <(ivsctl completion bash)", "ivsctl completion fish > ~/.config/fish/completions/ivsctl.fish"],
  async handler(ctx, args) {
    const shell = args.requiredPositional("shell");
    if (!(SHELLS as readonly string[]).includes(shell)) throw usageError(`shell must be one of ${SHELLS.join(", ")} (got "${shell}")`);
    const { commandTree, completionScript } = await import("../src/cli/completion.ts");
    const { rootCommand } = await import("./index.ts");
    ctx.io.stdout.write(completionScript(shell as Shell, await commandTree(rootCommand)));
  },
});
