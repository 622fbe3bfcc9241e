import { createConsola, type ConsolaInstance } from "consola";
import type { IO } from "./io.ts";

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
  return {
    info: (m) => get().info(m),
    success: (m) => get().success(m),
    warn: (m) => get().warn(m),
    debug: (m) => get().debug(m),
  };
}
