import { usageError } from "./errors.ts";
import { aliasesOf, ParsedArgs, type FlagDefs } from "./args.ts";

/**
 * Strict argv parsing against a command's flag definitions. citty's own parser accepts unknown
 * flags silently and has no repeatable flags; ours rejects the first and supports the second.
 */
export function parseArgv(argv: string[], defs: FlagDefs): ParsedArgs {
  const byName = new Map<string, string>(); // spelling (without dashes) -> canonical name
  for (const [name, def] of Object.entries(defs)) {
    if (def.type === "positional") continue;
    byName.set(name, name);
    const aliases = aliasesOf(def);
    for (const a of aliases) byName.set(a, name);
  }
  const positionalNames = Object.entries(defs).filter(([, d]) => d.type === "positional");

  const values: Record<string, string | boolean | string[]> = {};
  const positionals: string[] = [];
  let rest: string[] = [];

  const assign = (name: string, value: string | boolean) => {
    const def = defs[name]!;
    if (def.repeatable && typeof value === "string") {
      const prev = values[name];
      values[name] = Array.isArray(prev) ? [...prev, value] : [value];
    } else {
      if (values[name] !== undefined && typeof value === "string") {
        throw usageError(`--${name} was given more than once`);
      }
      values[name] = value;
    }
  };

  for (let i = 0; i < argv.length; i++) {
    const token = argv[i]!;
    if (token === "--") {
      // Everything after -- is an argument, never a flag (`channel get -- -odd-name`): it fills the
      // positionals still open; what is left over is `rest`.
      const after = argv.slice(i + 1);
      const open = Math.max(0, positionalNames.length - positionals.length);
      positionals.push(...after.slice(0, open));
      rest = after.slice(open);
      break;
    }
    if (token === "-" || !token.startsWith("-") || /^-\d/.test(token)) {
      positionals.push(token);
      continue;
    }
    const long = token.startsWith("--");
    const body = token.slice(long ? 2 : 1);
    const eq = body.indexOf("=");
    const spelled = eq >= 0 ? body.slice(0, eq) : body;
    const inline = eq >= 0 ? body.slice(eq + 1) : undefined;

    if (!long && spelled.length !== 1) throw usageError(`unknown flag ${token}`, "short flags take one letter; long flags start with --");
    let name = byName.get(spelled);
    let negated = false;
    if (name === undefined && long && spelled.startsWith("no-")) {
      const positive = byName.get(spelled.slice(3));
      if (positive !== undefined && defs[positive]!.type === "boolean") {
        name = positive;
        negated = true;
      }
    }
    if (name === undefined) throw usageError(`unknown flag ${long ? "--" : "-"}${spelled}`, "see --help for the flags this command takes");
    const def = defs[name]!;

    if (def.type === "boolean") {
      if (inline !== undefined) {
        if (!/^(true|false)$/i.test(inline)) throw usageError(`--${name} takes no value (got "${inline}")`);
        assign(name, negated !== (inline.toLowerCase() === "true"));
      } else {
        assign(name, !negated);
      }
      continue;
    }
    let value = inline;
    if (value === undefined) {
      const next = argv[i + 1];
      if (next === undefined || (next.startsWith("-") && next !== "-" && !/^-\d/.test(next))) {
        throw usageError(`--${name} needs a value${def.valueHint ? ` (${def.valueHint})` : ""}`);
      }
      value = next;
      i++;
    }
    if (def.type === "enum" && def.options && !def.options.some((o) => o.toLowerCase() === value!.toLowerCase())) {
      throw usageError(`--${name} must be one of ${def.options.join(", ")} (got "${value}")`);
    }
    assign(name, value);
  }

  const named: Record<string, string | undefined> = {};
  for (const [name, def] of positionalNames) {
    const v = positionals.shift();
    if (v === undefined && def.required !== false && def.default === undefined) {
      throw usageError(`missing required argument <${name}>`, "see --help for usage");
    }
    named[name] = v ?? (def.default as string | undefined);
  }
  if (positionals.length > 0) throw usageError(`unexpected argument "${positionals[0]}"`, "see --help for usage");
  for (const [name, def] of Object.entries(defs)) {
    if (def.type !== "positional" && def.required && values[name] === undefined) throw usageError(`--${name} is required`);
  }
  return new ParsedArgs(values, named, rest);
}
