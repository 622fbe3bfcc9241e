/** Timed metadata payloads: reading, the PutMetadata rules, templates and pacing. Pure: no SDK. */
import { decodeUtf8Strict, READ_LIMITS, readTextFileBounded, type ReadLimit } from "../cli/bounded-read.ts";
import { usageError } from "../cli/errors.ts";

export const MAX_METADATA_BYTES = 1024;
export const CHANNEL_TPS = 5;
export const ACCOUNT_TPS = 155;

/** PutMetadata's rules: at least 1 character, at most 1024 UTF-8 bytes; with `json`, it must parse. */
export function checkPayload(text: string, opts: { json?: boolean; what?: string } = {}): void {
  const what = opts.what ?? "metadata";
  if (text.length === 0) throw usageError(`${what} is empty: PutMetadata needs at least 1 character`);
  const bytes = Buffer.byteLength(text, "utf8");
  if (bytes > MAX_METADATA_BYTES) throw usageError(`${what} is ${bytes} bytes (UTF-8); the limit is ${MAX_METADATA_BYTES} bytes`);
  if (opts.json) {
    try {
      JSON.parse(text);
    } catch (e) {
      throw usageError(`${what} is not valid JSON: ${(e as Error).message}`);
    }
  }
}

/** DATA, @file or - (stdin); a trailing newline from a file or stdin is not part of the payload. Reads stop past 1 KB. */
export async function readPayload(arg: string | undefined, readStdin: (limit: ReadLimit) => Promise<string>): Promise<string> {
  if (arg === undefined) throw usageError("missing payload: give DATA, @file or - (stdin)");
  if (arg === "-") return (await readStdin({ maxBytes: READ_LIMITS.metadataPayload, what: "the payload on stdin" })).replace(/\r?\n$/, "");
  if (arg.startsWith("@")) return readTextFile(arg.slice(1), "payload file", READ_LIMITS.metadataPayload).replace(/\r?\n$/, "");
  return arg;
}

/** A text file read through the one bounded reader (src/cli/bounded-read.ts). */
export function readTextFile(path: string, what: string, maxBytes: number = READ_LIMITS.lines): string {
  return readTextFileBounded(path, { maxBytes, what });
}

/** Metadata is text: invalid UTF-8 is refused rather than sent with replacement characters. */
export function decodeUtf8(bytes: Uint8Array, what: string): string {
  return decodeUtf8Strict(bytes, what);
}

export interface PayloadLine {
  /** 0-based index among the payloads. */
  index: number;
  /** 1-based line number in the file. */
  line: number;
  text: string;
}

/** One payload per non-empty line; every line is checked before anything is sent. */
export function parsePayloadLines(content: string, opts: { json?: boolean; file: string }): PayloadLine[] {
  const out: PayloadLine[] = [];
  content.split(/\r?\n/).forEach((text, i) => {
    if (text.trim() === "") return;
    checkPayload(text, { json: opts.json, what: `${opts.file} line ${i + 1}` });
    out.push({ index: out.length, line: i + 1, text });
  });
  if (out.length === 0) throw usageError(`${opts.file} holds no payload (one per line)`);
  return out;
}

/** {{counter}}, {{time}} (ISO 8601), {{epoch}} (s), {{epochMs}}, {{clock}} (HH:MM:SS UTC). */
export function renderTemplate(template: string, counter: number, now: Date): string {
  const values: Record<string, string> = {
    counter: String(counter),
    time: now.toISOString(),
    epoch: String(Math.floor(now.getTime() / 1000)),
    epochMs: String(now.getTime()),
    clock: now.toISOString().slice(11, 19),
  };
  return template.replace(/\{\{\s*(\w+)\s*\}\}/g, (m, name: string) => values[name] ?? m);
}

export const DEFAULT_TEMPLATE = '{"type":"ivsctl-loop","counter":{{counter}},"sentAt":"{{time}}"}';

/**
 * A pacer: at most `rate` takes a second, evenly spaced (no burst), so a 5/s limit is never
 * exceeded even at the start. Takes are served in call order.
 */
export class Pacer {
  private next = 0;
  constructor(
    readonly rate: number,
    private readonly clock: () => number = () => performance.now(),
    private readonly sleep: (ms: number) => Promise<void> = (ms) => Bun.sleep(ms),
  ) {}

  async take(): Promise<void> {
    const now = this.clock();
    const at = Math.max(now, this.next);
    this.next = at + 1000 / this.rate;
    if (at > now) await this.sleep(at - now);
  }
}
