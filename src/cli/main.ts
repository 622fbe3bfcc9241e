import { aliasesOf, globalArgs, type FlagDefs } from "./args.ts";
import type { AnyCommand } from "./command.ts";
import { CliError, toCliError, usageError } from "./errors.ts";
import { ExitCode } from "./exit-codes.ts";
import type { Env, IO } from "./io.ts";
import { redactString } from "./redact.ts";

const isHelp = (t: string) => t === "--help" || t === "-h";

/**
 * Runs one invocation and returns its exit code. It walks the lazy command map to the leaf,
 * parses strictly, builds the context, and turns every failure into one line and a code.
 */
export async function main(argv: string[], io: IO, env: Env, root: AnyCommand, version: string): Promise<number> {
  const wantsJson = jsonRequested(argv, env);
  const debug = argv.includes("--debug");
  try {
    if (argv.length === 1 && (argv[0] === "--version" || argv[0] === "-v" || argv[0] === "version")) {
      io.stdout.write(`${version}\n`);
      return ExitCode.Ok;
    }
    let cmd: AnyCommand = root;
    const path = ["ivsctl"];
    const leading: string[] = []; // flags written before the subcommand name; only global flags may stand there
    let i = 0;
    while (cmd.kind === "group") {
      const subs = cmd.subCommands;
      while (i < argv.length && argv[i]!.startsWith("-")) {
        const t = argv[i]!;
        if (isHelp(t)) return await printHelp(io, cmd, path, version);
        if (t === "--version" && path.length === 1) {
          io.stdout.write(`${version}\n`);
          return ExitCode.Ok;
        }
        const name = t.replace(/^--?/, "").split("=")[0]!;
        const def = lookupGlobal(name);
        if (!def) throw usageError(`unknown flag ${t}`, `see \`${path.join(" ")} --help\``);
        leading.push(t);
        if (def.type !== "boolean" && !t.includes("=")) {
          const value = argv[i + 1];
          if (value === undefined || value.startsWith("-")) throw usageError(`${t} needs a value${def.valueHint ? ` (${def.valueHint})` : ""}`);
          leading.push(value);
          i++;
        }
        i++;
      }
      const name = argv[i];
      if (name === undefined) return await printHelp(io, cmd, path, version);
      if (name === "help") return await printHelp(io, cmd, path, version);
      const sub = subs[name];
      if (!sub) throw usageError(`unknown command "${name}" for "${path.join(" ")}"`, `commands: ${Object.keys(subs).join(", ")}`);
      cmd = await sub();
      path.push(name);
      i++;
    }
    const rest = [...leading, ...argv.slice(i)];
    const dashdash = rest.indexOf("--");
    if ((dashdash < 0 ? rest : rest.slice(0, dashdash)).some(isHelp)) return await printHelp(io, cmd, path, version);
    const leaf = cmd;
    const { parseArgv } = await import("./parse.ts");
    const { resolveGlobals, createContext } = await import("./context.ts");
    const args = parseArgv(rest, leaf.args);
    const globals = resolveGlobals(args, env, io);
    // Flags become typed options (and every usage error surfaces) before any client exists.
    const opts = leaf.options(args, env);
    const ctx = createContext(io, env, globals, { program: { root, version } });
    const run = await leaf.run();
    await run(ctx, opts);
    return ExitCode.Ok;
  } catch (err) {
    const e = toCliError(err);
    reportError(io, e, { json: wantsJson, debug, original: err });
    return e.exitCode;
  }
}

function lookupGlobal(name: string): FlagDefs[string] | undefined {
  for (const [n, d] of Object.entries(globalArgs as FlagDefs)) {
    const aliases = aliasesOf(d);
    if (n === name || aliases.includes(name) || (d.type === "boolean" && `no-${n}` === name)) return d;
  }
  return undefined;
}

async function printHelp(io: IO, cmd: AnyCommand, path: string[], version: string): Promise<number> {
  const { renderHelp } = await import("./help.ts");
  io.stdout.write(await renderHelp(cmd, path, version));
  return ExitCode.Ok;
}

function jsonRequested(argv: string[], env: Env): boolean {
  for (let i = 0; i < argv.length; i++) {
    const t = argv[i]!;
    if (t === "-o" || t === "--output") return argv[i + 1]?.toLowerCase() === "json";
    if (/^(-o|--output)=json$/i.test(t)) return true;
  }
  return env.IVSCTL_OUTPUT?.toLowerCase() === "json";
}

const OWN_CODES = new Set(["InvalidInput", "Configuration", "AmbiguousRole", "Internal", "Error"]);

/** Error messages can quote server text or URLs: they are redacted like any other output. */
export function reportError(io: IO, e: CliError, opts: { json: boolean; debug: boolean; original?: unknown }): void {
  const code = OWN_CODES.has(e.code) ? "" : ` (${e.code})`;
  const message = redactString(e.message);
  io.stderr.write(`error: ${message}${code}\n`);
  if (e.hint) io.stderr.write(`hint: ${redactString(e.hint)}\n`);
  if (opts.debug) {
    const stack = (opts.original instanceof Error && opts.original.stack) || e.stack;
    if (stack) io.stderr.write(`${redactString(stack)}\n`);
  }
  if (opts.json) io.stderr.write(`${JSON.stringify({ error: { code: e.code, message, exitCode: e.exitCode } })}\n`);
}
