import type { CommandDef, CommandMeta, SubCommandsDef } from "citty";
import type { FlagDefs, ParsedArgs } from "./args.ts";
import type { Context } from "./context.ts";

/**
 * A leaf command: a citty definition (meta + args, so citty renders its help) plus the handler
 * our dispatcher calls with the strictly parsed args and the injected context.
 */
export type LeafCommand = CommandDef & {
  examples?: string[];
  handler: (ctx: Context, args: ParsedArgs) => Promise<void>;
};

export function defineLeaf(def: {
  meta: CommandMeta & { name: string; description: string };
  args: FlagDefs;
  examples?: string[];
  handler: (ctx: Context, args: ParsedArgs) => Promise<void>;
}): LeafCommand {
  return { meta: def.meta, args: def.args as CommandDef["args"], examples: def.examples, handler: def.handler };
}

/** A group: only subcommands, loaded lazily so `--help` of one group loads nothing else. */
export function defineGroup(def: { meta: CommandMeta & { name: string; description: string }; examples?: string[]; subCommands: SubCommandsDef }): CommandDef & { examples?: string[] } {
  return def;
}
