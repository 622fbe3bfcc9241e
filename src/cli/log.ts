import { createConsola, type ConsolaInstance } from "consola";
import type { IO } from "./io.ts";
import { escapeControls } from "./sanitize.ts";

/** Progress and diagnostics: always stderr, so stdout carries data only. */
export interface Logger {
  info(msg: string): void;
  success(msg: string): void;
  warn(msg: string): void;
  debug(msg: string): void;
}

export function createLogger(io: IO, opts: { quiet: boolean; debug: boolean; color: boolean }): Logger {
  let consola: ConsolaInstance | undefined;
  const get = () =>
    (consola ??= createConsola({
      // consola writes info to stdout by default; stdout is reserved for data.
      stdout: io.stderr as NodeJS.WriteStream,
      stderr: io.stderr as NodeJS.WriteStream,
      level: opts.quiet ? 1 : opts.debug ? 4 : 3,
      formatOptions: { colors: opts.color, date: false, compact: true },
    }));
  // Log lines quote input too: no raw control characters on stderr either.
  return {
    info: (m) => get().info(escapeControls(m)),
    success: (m) => get().success(escapeControls(m)),
    warn: (m) => get().warn(escapeControls(m)),
    debug: (m) => get().debug(escapeControls(m)),
  };
}

/**
 * One `warning:` line on stderr, whatever the log level: for what must be seen even with -q, as ssh
 * shows its key-permission warning (consola would frame it with blank lines).
 */
export function warnLine(io: IO): (line: string) => void {
  return (line) => io.stderr.write(`warning: ${escapeControls(line)}\n`);
}
