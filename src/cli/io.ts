import { decodeUtf8Strict, readStreamBounded, type ReadLimit } from "./bounded-read.ts";
import { usageError } from "./errors.ts";

/** Where a command writes. Injected so domain code can be tested in-process. */
export interface TextSink {
  write(chunk: string): unknown;
}

export interface IO {
  stdout: TextSink;
  stderr: TextSink;
  /** Reads stdin (for `-` arguments) as strict UTF-8, refusing more than the limit (exit 2). */
  readStdin(limit: ReadLimit): Promise<string>;
  /** Asks a yes/no question on the terminal. Only called when stdinIsTTY. */
  confirm(question: string): Promise<boolean>;
  stdoutIsTTY: boolean;
  stderrIsTTY: boolean;
  stdinIsTTY: boolean;
  /**
   * Resolves once what was written to stdout has been handed to the OS. Streaming commands await it
   * between batches: memory stays flat when the reader is slow, and signal handlers get to run.
   */
  flush?(): Promise<void>;
  /** Waits until everything written reached the OS (before the process exits). */
  close?(): Promise<void>;
}

export type Env = Record<string, string | undefined>;

/**
 * stdout through Bun's file sink, flushed on every write: `process.stdout.write` in Bun can hold data
 * that `process.exit` then drops when a pipe is slow (2048 lines written, 48 read by `| sleep 1; wc -l`).
 * `close()` waits until everything reached the OS.
 */
function stdoutSink(): TextSink & { drain(): Promise<void>; close(): Promise<void> } {
  const sink = Bun.stdout.writer();
  let closed = false;
  return {
    write(chunk: string) {
      // A reader that went away (`| head -1`, a test that stopped reading) is not an error of the
      // command: what it writes after that is dropped, and it ends with its own exit code.
      if (closed) return false;
      try {
        sink.write(chunk);
        Promise.resolve(sink.flush()).catch(() => {
          closed = true;
        });
      } catch {
        closed = true;
      }
      return true;
    },
    drain: async () => {
      await Promise.resolve(sink.flush()).catch(() => {});
    },
    close: async () => {
      await Promise.resolve(sink.end()).catch(() => {});
    },
  };
}

export function processIO(): IO {
  const stdout = stdoutSink();
  return {
    stdout,
    close: stdout.close,
    stderr: process.stderr,
    // Strict UTF-8: a payload with invalid bytes is an input error, not replacement characters.
    readStdin: async (limit) => decodeUtf8Strict(await readStreamBounded(Bun.stdin.stream() as unknown as AsyncIterable<Uint8Array>, limit), "stdin"),
    async confirm(question) {
      process.stderr.write(`${question} [y/N] `);
      for await (const line of console) {
        return /^y(es)?$/i.test(line.trim());
      }
      return false;
    },
    // The write callback can come back without a turn of the event loop; the timer gives signal handlers theirs.
    flush: () => stdout.drain().then(() => new Promise<void>((resolve) => setTimeout(resolve, 0))),
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
    readStdin: async (limit) => {
      const text = opts.stdin ?? "";
      if (Buffer.byteLength(text) > limit.maxBytes) throw usageError(`${limit.what} is larger than ${limit.maxBytes} bytes: refusing to read more`);
      return text;
    },
    confirm: async () => answers.shift() ?? false,
    stdoutIsTTY: opts.tty ?? false,
    stderrIsTTY: opts.tty ?? false,
    stdinIsTTY: opts.tty ?? false,
    // A macrotask, as a real flush is: timers and signal handlers get their turn.
    flush: () => new Promise<void>((resolve) => setTimeout(resolve, 0)),
    out: () => out,
    err: () => err,
  };
}
