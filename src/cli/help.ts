import { aliasesOf, globalArgs, mutatingArgs, type FlagDef } from "./args.ts";
import type { AnyCommand } from "./command.ts";

/**
 * Help text for a group or a leaf. It separates the global flags from the command's own, prints
 * examples, hides hidden aliases, and never colours a pipe.
 */
export async function renderHelp(cmd: AnyCommand, path: string[], version: string): Promise<string> {
  const meta = cmd.meta;
  const lines: string[] = [];
  lines.push(`${meta.description ?? ""}`.trim(), "");
  if (cmd.kind === "group") {
    const subs = cmd.subCommands;
    lines.push(`Usage: ${path.join(" ")} <command> [flags]`, "", "Commands:");
    const rows: [string, string][] = [];
    for (const [name, sub] of Object.entries(subs)) {
      const subMeta = (await sub()).meta;
      if (!subMeta.hidden) rows.push([name, subMeta.description]);
    }
    lines.push(...columns(rows));
    if (path.length === 1) lines.push("", `Version ${version}. Global flags: run any command with --help.`);
    lines.push("", `Run \`${path.join(" ")} <command> --help\` for a command's flags.`);
  } else {
    const args = Object.fromEntries(Object.entries(cmd.args).filter(([, d]) => !d.hidden));
    const positionals = Object.entries(args).filter(([, d]) => d.type === "positional");
    const usage = positionals.map(([n, d]) => (d.required === false ? `[${n}]` : `<${n}>`)).join(" ");
    lines.push(`Usage: ${path.join(" ")}${usage ? ` ${usage}` : ""} [flags]`);
    if (positionals.length) {
      lines.push("", "Arguments:", ...columns(positionals.map(([n, d]) => [`<${n}>`, d.description ?? ""])));
    }
    const own = Object.entries(args).filter(([n, d]) => d.type !== "positional" && !(n in globalArgs) && !(n in mutatingArgs));
    const shared = Object.entries(args).filter(([n]) => n in globalArgs || n in mutatingArgs);
    if (own.length) lines.push("", "Flags:", ...columns(own.map(([n, d]) => [flagLabel(n, d), flagDescription(d)])));
    if (shared.length) lines.push("", "Global flags:", ...columns(shared.map(([n, d]) => [flagLabel(n, d), flagDescription(d)])));
  }
  if (cmd.examples?.length) lines.push("", "Examples:", ...cmd.examples.map((e) => `  ${e}`));
  return `${lines.join("\n")}\n`;
}

function flagLabel(name: string, def: FlagDef): string {
  const aliases = aliasesOf(def);
  const short = aliases.filter((a) => a.length === 1).map((a) => `-${a}, `).join("");
  const hint = def.type === "boolean" ? "" : ` ${def.valueHint ?? (def.type === "enum" ? def.options?.join("|") : "value")}`;
  return `${short}--${name}${hint}`;
}

function flagDescription(def: FlagDef): string {
  let d = def.description ?? "";
  // Said once: a description may already say it ("A channel (repeatable); …").
  if (def.repeatable && !/\brepeatable\b/i.test(d)) d += " (repeatable)";
  if (def.required && def.type !== "positional") d += " (required)";
  return d;
}

function columns(rows: [string, string][]): string[] {
  const width = Math.max(0, ...rows.map(([a]) => a.length));
  return rows.map(([a, b]) => `  ${a.padEnd(width)}  ${b}`.trimEnd());
}
