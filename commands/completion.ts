import { globalArgs } from "../src/cli/args.ts";
import { defineLeaf, positionalOption } from "../src/cli/command.ts";

export default defineLeaf({
  meta: { name: "completion", description: "Print a shell completion script (bash, zsh or fish)" },
  args: {
    shell: { type: "positional", description: "bash, zsh or fish" },
    ...globalArgs,
  },
  examples: ["source <(ivsctl completion bash)", "ivsctl completion fish > ~/.config/fish/completions/ivsctl.fish"],
  options: positionalOption("shell"),
  run: () => import("../src/cli/completion.ts").then((m) => m.printCompletion),
});
