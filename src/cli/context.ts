import type { ParsedArgs } from "./args.ts";
import { configError, usageError } from "./errors.ts";
import type { Env, IO } from "./io.ts";
import { createLogger, type Logger } from "./log.ts";
import { OUTPUT_FORMATS, Output, type OutputFormat } from "./output.ts";
import { AwsClients, resolveAwsSettings } from "../aws/clients.ts";
import { checkRegionFlag } from "../aws/region.ts";

/** Global flags after precedence is applied: flag, then environment, then default. */
export interface GlobalOptions {
  profile?: string;
  region?: string;
  endpointUrl?: string;
  stack?: string;
  output: OutputFormat;
  local: boolean;
  yes: boolean;
  dryRun: boolean;
  quiet: boolean;
  color: boolean;
  debug: boolean;
  showSecrets: boolean;
}

/** Everything a domain function may touch. Tests build one with bufferIO and a local endpoint. */
export interface Context {
  io: IO;
  env: Env;
  globals: GlobalOptions;
  out: Output;
  log: Logger;
  aws: AwsClients;
  /** Milliseconds since the epoch; injected so expiry and grace logic can be tested. */
  now: () => number;
  /** The command map and version (for completion); absent when a test builds a context. */
  program?: Program;
}

/** The command map (src/cli/command.ts AnyCommand, kept opaque here: commands depend on the context, not back). */
export interface Program {
  root: object;
  version: string;
}

/**
 * A boolean environment switch: 1/true/yes/on or 0/false/no/off (or empty). Anything else is exit 3:
 * IVSCTL_LOCAL=2 silently meaning "real AWS" is how a CI job talks to the wrong account.
 */
export function envSwitch(env: Env, name: string): boolean {
  const v = env[name];
  if (v === undefined || /^(|0|false|no|off)$/i.test(v.trim())) return false;
  if (/^(1|true|yes|on)$/i.test(v.trim())) return true;
  throw configError(`${name} must be 1 or 0 (true/false, yes/no, on/off); got "${v}"`);
}

export function resolveGlobals(args: ParsedArgs, env: Env, io: IO): GlobalOptions {
  const output = (args.string("output") ?? env.IVSCTL_OUTPUT ?? "table").toLowerCase();
  if (!(OUTPUT_FORMATS as readonly string[]).includes(output)) {
    throw usageError(`--output must be one of ${OUTPUT_FORMATS.join(", ")} (got "${output}")`);
  }
  const noColor = args.flag("no-color") || env.NO_COLOR !== undefined || env.TERM === "dumb";
  const endpointUrl = args.string("endpoint-url");
  if (endpointUrl !== undefined && !/^https?:\/\/[^\s/]+/.test(endpointUrl)) {
    throw usageError(`--endpoint-url must be an http(s) URL (got "${endpointUrl}")`);
  }
  const region = args.string("region");
  if (region !== undefined) checkRegionFlag(region);
  return {
    profile: args.string("profile"),
    region,
    endpointUrl,
    stack: args.string("stack") ?? (env.IVSCTL_STACK || undefined),
    output: output as OutputFormat,
    local: args.bool("local") ?? envSwitch(env, "IVSCTL_LOCAL"),
    yes: args.flag("yes"),
    dryRun: args.flag("dry-run"),
    quiet: args.flag("quiet"),
    color: !noColor && io.stdoutIsTTY,
    debug: args.flag("debug") || envSwitch(env, "IVSCTL_DEBUG"),
    showSecrets: args.flag("show-secrets"),
  };
}

export function createContext(io: IO, env: Env, globals: GlobalOptions, extra: { program?: Program; now?: () => number } = {}): Context {
  const { program, now = Date.now } = extra;
  const log = createLogger(io, { quiet: globals.quiet, debug: globals.debug, color: globals.color });
  const aws = new AwsClients(resolveAwsSettings(globals, env), globals.debug ? log : undefined);
  const out = new Output(io, { format: globals.output, showSecrets: globals.showSecrets, color: globals.color });
  return { io, env, globals, out, log, aws, now, program };
}

/**
 * Ask before a destructive change. --yes skips the question; without a terminal there is no
 * one to ask, so refuse rather than guess.
 */
export async function confirmOrRefuse(ctx: Context, question: string): Promise<void> {
  if (ctx.globals.yes) return;
  if (!ctx.io.stdinIsTTY) throw usageError(`${question.replace(/\?$/, "")}: refusing without --yes (stdin is not a terminal)`);
  if (!(await ctx.io.confirm(question))) throw usageError("aborted: not confirmed");
}
