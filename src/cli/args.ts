import { parseDuration } from "./duration.ts";
import { usageError } from "./errors.ts";

/**
 * One flag or positional argument: what the strict parser (parse.ts), the help renderer (help.ts)
 * and completion (completion.ts) read. The shape follows citty's ArgDef, plus repeatable flags and
 * hidden aliases; citty itself is not a dependency (README "Start-up" says why).
 */
export interface FlagDef {
  type: "string" | "boolean" | "positional" | "enum";
  description?: string;
  valueHint?: string;
  alias?: string | string[];
  default?: string | boolean;
  required?: boolean;
  options?: string[];
  /** May be given more than once (ParsedArgs.list reads every value). */
  repeatable?: boolean;
  /** Accepted but not shown in help or completion (old names kept for one release). */
  hidden?: boolean;
}
export type FlagDefs = Record<string, FlagDef>;

/** A flag's aliases as a list (a string, a list, or none). */
export function aliasesOf(def: FlagDef): string[] {
  const a = def.alias;
  return a === undefined ? [] : Array.isArray(a) ? a : [a];
}

/** Flags every leaf command accepts (spread into each command's args, as nuxi does). */
export const globalArgs = {
  profile: { type: "string", description: "AWS profile (default: AWS_PROFILE)", valueHint: "name" },
  region: { type: "string", description: "AWS region (default: AWS_REGION, then the profile)", valueHint: "region" },
  "endpoint-url": { type: "string", description: "Override the AWS endpoint for every service", valueHint: "url" },
  stack: { type: "string", description: "CloudFormation stack holding the backend (env IVSCTL_STACK)", valueHint: "name" },
  output: { type: "string", alias: "o", description: "Output format: table, json or text (env IVSCTL_OUTPUT)", valueHint: "table|json|text" },
  local: { type: "boolean", description: "Use the ivsctl local emulator (env IVSCTL_LOCAL=1)" },
  yes: { type: "boolean", alias: "y", description: "Do not ask for confirmation" },
  quiet: { type: "boolean", alias: "q", description: "Print only errors on stderr" },
  "no-color": { type: "boolean", description: "Disable colours (env NO_COLOR)" },
  debug: { type: "boolean", description: "Log requests and show stack traces" },
  "show-secrets": { type: "boolean", description: "Print stream keys and passphrases unredacted" },
} as const satisfies FlagDefs;

/** Flags of commands that change something. */
export const mutatingArgs = {
  "dry-run": { type: "boolean", description: "Show what would be done, change nothing" },
} as const satisfies FlagDefs;

/** The result of strict parsing: typed accessors so commands build their options objects safely. */
export class ParsedArgs {
  constructor(
    private readonly values: Record<string, string | boolean | string[]>,
    readonly positionals: Record<string, string | undefined>,
    readonly rest: string[] = [],
  ) {}

  has(name: string): boolean {
    return this.values[name] !== undefined;
  }

  string(name: string): string | undefined {
    const v = this.values[name];
    if (Array.isArray(v)) return v[v.length - 1];
    return typeof v === "string" ? v : undefined;
  }

  requiredString(name: string): string {
    const v = this.string(name);
    if (v === undefined || v === "") throw usageError(`--${name} is required`);
    return v;
  }

  bool(name: string): boolean | undefined {
    const v = this.values[name];
    return typeof v === "boolean" ? v : undefined;
  }

  flag(name: string): boolean {
    return this.bool(name) === true;
  }

  list(name: string): string[] {
    const v = this.values[name];
    if (v === undefined || typeof v === "boolean") return [];
    return Array.isArray(v) ? v : [v];
  }

  /** A whole-number flag: the one place integers are parsed from argv. */
  integer(name: string, range: { min?: number; max?: number } = {}): number | undefined {
    const v = this.string(name);
    if (v === undefined) return undefined;
    const n = Number(v);
    const ok = /^-?\d+$/.test(v.trim()) && (range.min === undefined || n >= range.min) && (range.max === undefined || n <= range.max);
    if (!ok) {
      const bounds = range.max !== undefined ? ` from ${range.min ?? "any"} to ${range.max}` : range.min !== undefined ? ` >= ${range.min}` : "";
      throw usageError(`--${name} must be a whole number${bounds} (got "${v}")`);
    }
    return n;
  }

  /** A duration flag ("90s", "15m", "1h30m"; a bare number is seconds) in milliseconds. Never negative. */
  duration(name: string): number | undefined {
    const v = this.string(name);
    if (v === undefined) return undefined;
    if (/^\s*-/.test(v)) throw usageError(`--${name} must not be negative (got "${v}")`);
    return parseDuration(v, `--${name}`);
  }

  /** A decimal-number flag within bounds (e.g. a rate). */
  number(name: string, range: { min?: number; max?: number } = {}): number | undefined {
    const v = this.string(name);
    if (v === undefined) return undefined;
    const n = Number(v);
    if (!/^\d+(\.\d+)?$/.test(v.trim()) || (range.min !== undefined && n < range.min) || (range.max !== undefined && n > range.max)) {
      const bounds = range.max !== undefined ? ` from ${range.min ?? 0} to ${range.max}` : "";
      throw usageError(`--${name} must be a number${bounds} (got "${v}")`);
    }
    return n;
  }

  /** An enumerated value, checked case-insensitively and returned in the canonical spelling. */
  choice<T extends string>(name: string, options: readonly T[]): T | undefined {
    const v = this.string(name);
    if (v === undefined) return undefined;
    const hit = options.find((o) => o.toLowerCase() === v.toLowerCase());
    if (!hit) throw usageError(`--${name} must be one of ${options.join(", ")} (got "${v}")`);
    return hit;
  }

  positional(name: string): string | undefined {
    return this.positionals[name];
  }

  requiredPositional(name: string): string {
    const v = this.positionals[name];
    if (v === undefined || v === "") throw usageError(`missing required argument <${name}>`);
    return v;
  }
}
