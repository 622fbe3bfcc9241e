import type { FlagDefs, ParsedArgs } from "./args.ts";
import type { Context } from "./context.ts";
import type { Env } from "./io.ts";

export interface CommandMeta {
  name: string;
  description: string;
  hidden?: boolean;
}

/** A lazily loaded value: commands and groups load only when the dispatcher walks to them. */
export type Lazy<T> = () => Promise<T>;

/** The function a leaf runs: one domain function of src/, given the context and its options. */
export type RunFn<O> = (ctx: Context, opts: O) => Promise<unknown>;

/**
 * A leaf command is data (as in GitHub's `gh`: an options struct and a run function, tested apart):
 * - `args`: the flags, for the strict parser, help and completion;
 * - `options`: pure, flags (and the environment, for defaults such as IVSCTL_DEFAULT_TAGS) to the
 *   typed options the domain function takes; it throws usage errors before any AWS call;
 * - `run`: loads the domain function. Each keeps a literal `import("…")`, since `bun build --compile`
 *   bundles no computed specifier.
 * Global options (--dry-run, --stack, -o…) are never copied into `options`: domain functions read
 * them from `ctx.globals`, the one rule for every command.
 */
export interface LeafCommand<O = unknown> {
  kind: "leaf";
  meta: CommandMeta;
  args: FlagDefs;
  examples?: string[];
  options: (args: ParsedArgs, env: Env) => O;
  run: Lazy<RunFn<O>>;
}

export interface GroupCommand {
  kind: "group";
  meta: CommandMeta;
  examples?: string[];
  subCommands: Record<string, Lazy<AnyCommand>>;
}

export type AnyCommand = LeafCommand<any> | GroupCommand;

export function defineLeaf<O>(def: Omit<LeafCommand<O>, "kind">): LeafCommand<O> {
  return { kind: "leaf", ...def };
}

/** A group: only subcommands, loaded lazily so `--help` of one group loads nothing else. */
export function defineGroup(def: Omit<GroupCommand, "kind">): GroupCommand {
  return { kind: "group", ...def };
}

/** A leaf whose options are only its positional argument (get/describe commands). */
export const positionalOption = (name: string) => (args: ParsedArgs): string => args.requiredPositional(name);

/** A leaf without options of its own. */
export const noOptions = (): Record<string, never> => ({});
