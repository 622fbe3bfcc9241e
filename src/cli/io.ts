import { usageError } from "./errors.ts";

/** Where a command writes. Injected so domain code can be tested in-process. */
export interface TextSink {
  write(chunk: string): unknown;
}

export interface IO {
  stdout: TextSink;
  stderr: TextSink;
  /** Reads all of stdin (for `-` arguments). */
  readStdin(): Promise<string>;
  /** Asks a yes/no question on the terminal. Only called when stdinIsTTY. */
  confirm(question: string): Promise<boolean>;
  stdoutIsTTY: boolean;
  stderrIsTTY: boolean;
  stdinIsTTY: boolean;
}

export type Env = Record<string, string | undefined>;

export function processIO(): IO {
  return {
    stdout: process.stdout,
    stderr: process.stderr,
    // Strict UTF-8: a payload with invalid bytes is an input error, not replacement characters.
    readStdin: async () => {
      try {
        return new TextDecoder("utf-8", { fatal: true }).decode(await Bun.stdin.bytes());
      } catch {
        throw usageError("stdin is not valid UTF-8");
      }
    },
    async confirm(question) {
      process.stderr.write(`${question} [y/N] `);
      for await (const line of console) {
        return /^y(es)?$/i.test(line.trim());
      }
      return false;
    },
    stdoutIsTTY: Boolean(process.stdout.isTTY),
    stderrIsTTY: Boolean(process.stderr.isTTY),
    stdinIsTTY: Boolean(process.stdin.isTTY),
  };
}

/** An IO that records everything, for tests and for the in-process demo. */
export function bufferIO(opts: { stdin?: string; answers?: boolean[]; tty?: boolean } = {}): IO & { out: () => string; err: () => string } {
  let out = "";
  let err = "";
  const answers = [...(opts.answers ?? [])];
  return {
    stdout: { write: (s: string) => (out += s) },
    stderr: { write: (s: string) => (err += s) },
    readStdin: async () => opts.stdin ?? "",
    confirm: async () => answers.shift() ?? false,
    stdoutIsTTY: opts.tty ?? false,
    stderrIsTTY: opts.tty ?? false,
    stdinIsTTY: opts.tty ?? false,
    out: () => out,
    err: () => err,
  };
}
