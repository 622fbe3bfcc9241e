import type { AnyCommand } from "./command.ts";
import type { Context } from "./context.ts";
import { usageError } from "./errors.ts";

export const SHELLS = ["bash", "zsh", "fish"] as const;
export type Shell = (typeof SHELLS)[number];

interface Node {
  path: string[];
  subcommands: string[];
  flags: string[];
}

/** `ivsctl completion <shell>`: the script for the command map this binary runs. */
export async function printCompletion(ctx: Context, shell: string): Promise<void> {
  if (!(SHELLS as readonly string[]).includes(shell)) throw usageError(`shell must be one of ${SHELLS.join(", ")} (got "${shell}")`);
  if (!ctx.program) throw usageError("completion needs the command map (run it through the ivsctl binary)");
  ctx.out.raw(completionScript(shell as Shell, await commandTree(ctx.program.root as AnyCommand)));
}

/** Walk the command map once; every shell's script is generated from this list. */
export async function commandTree(root: AnyCommand): Promise<Node[]> {
  const nodes: Node[] = [];
  const visit = async (cmd: AnyCommand, path: string[]) => {
    if (cmd.kind === "group") {
      nodes.push({ path, subcommands: Object.keys(cmd.subCommands), flags: ["--help"] });
      for (const [name, sub] of Object.entries(cmd.subCommands)) await visit(await sub(), [...path, name]);
      return;
    }
    const flags = Object.entries(cmd.args)
      .filter(([, d]) => d.type !== "positional" && !d.hidden)
      .map(([n]) => `--${n}`);
    nodes.push({ path, subcommands: [], flags: [...flags, "--help"] });
  };
  await visit(root, []);
  return nodes;
}

export function completionScript(shell: Shell, nodes: Node[]): string {
  if (shell === "bash") return bash(nodes);
  if (shell === "zsh") return `#compdef ivsctl\nautoload -U +X bashcompinit && bashcompinit\n${bash(nodes)}`;
  return fish(nodes);
}

function bash(nodes: Node[]): string {
  const cases = nodes
    .map((n) => `    "${n.path.join(" ")}") words_="${[...n.subcommands, ...n.flags].join(" ")}" ;;`)
    .join("\n");
  return `# ivsctl bash completion: source <(ivsctl completion bash)
_ivsctl() {
  local cur path_ w i words_
  cur="\${COMP_WORDS[COMP_CWORD]}"
  path_=""
  for ((i = 1; i < COMP_CWORD; i++)); do
    w="\${COMP_WORDS[i]}"
    [[ "$w" == -* ]] && continue
    case "\${path_:+$path_ }$w" in
${nodes.map((n) => `      "${n.path.join(" ")}") path_="${n.path.join(" ")}" ;;`).filter((l) => !l.includes('""')).join("\n")}
    esac
  done
  case "$path_" in
${cases}
  esac
  COMPREPLY=($(compgen -W "$words_" -- "$cur"))
}
complete -F _ivsctl ivsctl
`;
}

function fish(nodes: Node[]): string {
  const lines = ["# ivsctl fish completion: ivsctl completion fish | source", "complete -c ivsctl -f"];
  for (const n of nodes) {
    const cond = n.path.length === 0 ? "__fish_use_subcommand" : `__fish_seen_subcommand_from ${n.path[n.path.length - 1]}`;
    for (const s of n.subcommands) lines.push(`complete -c ivsctl -n '${cond}' -a ${s}`);
    if (n.subcommands.length === 0) for (const f of n.flags) lines.push(`complete -c ivsctl -n '${cond}' -l ${f.slice(2)}`);
  }
  return `${lines.join("\n")}\n`;
}
