/**
 * The one way ivsctl reads a file or stdin: never more than a limit. `/dev/zero`, `/dev/urandom`
 * or a runaway pipe is refused (exit 2) once the limit is passed, instead of filling memory.
 */
import { closeSync, fstatSync, openSync, readSync } from "node:fs";
import { usageError } from "./errors.ts";

const KiB = 1024;

/** Limits by kind of input. Over a limit is exit 2, at once. */
export const READ_LIMITS = {
  /** PutMetadata takes at most 1024 UTF-8 bytes (REFERENCE.md); a trailing CRLF is not part of the payload. */
  metadataPayload: 1024 + 2,
  /** A P-384 PEM key is ~200-400 bytes; 8 KiB leaves room for comments and a certificate-style header. */
  pem: 8 * KiB,
  /** A participant or playback token is 1-3 KB (attributes are at most 1 KB). */
  jwt: 8 * KiB,
  /** An IVS stream key is under 100 characters. */
  streamKey: 1 * KiB,
  /** A `metadata loop --template`: a payload of at most 1 KB once its {{placeholders}} are filled in. */
  template: 8 * KiB,
  /** A file of metadata payloads or channel references, one per line (1 KB each): 1,000 lines and more. */
  lines: 4 * 1024 * KiB,
} as const;

export interface ReadLimit {
  maxBytes: number;
  /** What is read, for the error line: "payload file x.json", "stdin". */
  what: string;
  /** A missing file reads "cannot read <what> <path>: ENOENT" (key files) rather than "<what> not found: <path>". */
  missingAsCode?: boolean;
}

function tooLarge(limit: ReadLimit): Error {
  return usageError(`${limit.what} is larger than ${limit.maxBytes} bytes: refusing to read more`);
}

export interface BoundedFile {
  bytes: Buffer;
  /** The file's permission bits (st_mode & 0o777), read from the open descriptor. */
  mode: number;
}

/**
 * Read at most `maxBytes` from a path (a file, a device, a FIFO). One byte more than the limit is
 * enough to know it is over, so an endless device costs `maxBytes + 1` bytes.
 */
export function readFileBounded(path: string, limit: ReadLimit): BoundedFile {
  let fd: number;
  try {
    fd = openSync(path, "r");
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw usageError(code === "ENOENT" && !limit.missingAsCode ? `${limit.what} not found: ${path}` : `cannot read ${limit.what} ${path}: ${code ?? (e as Error).message}`);
  }
  try {
    const st = fstatSync(fd);
    if (st.isDirectory()) throw usageError(`cannot read ${limit.what} ${path}: it is a directory`);
    const buf = Buffer.alloc(limit.maxBytes + 1);
    let used = 0;
    for (;;) {
      let n: number;
      try {
        n = readSync(fd, buf, used, buf.length - used, null);
      } catch (e) {
        throw usageError(`cannot read ${limit.what} ${path}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
      }
      if (n === 0) break;
      used += n;
      if (used > limit.maxBytes) throw tooLarge(limit);
    }
    return { bytes: buf.subarray(0, used), mode: st.mode & 0o777 };
  } finally {
    closeSync(fd);
  }
}

/** Read a byte stream (stdin) up to `maxBytes`; stop reading as soon as it is over. */
export async function readStreamBounded(chunks: AsyncIterable<Uint8Array>, limit: ReadLimit): Promise<Uint8Array> {
  const parts: Uint8Array[] = [];
  let used = 0;
  for await (const chunk of chunks) {
    used += chunk.byteLength;
    if (used > limit.maxBytes) throw tooLarge(limit);
    parts.push(chunk);
  }
  const out = new Uint8Array(used);
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.byteLength;
  }
  return out;
}

/** Strict UTF-8: invalid bytes are an input error, not replacement characters. */
export function decodeUtf8Strict(bytes: Uint8Array, what: string): string {
  try {
    return new TextDecoder("utf-8", { fatal: true }).decode(bytes);
  } catch {
    throw usageError(`${what} is not valid UTF-8`);
  }
}

/** A text file, bounded and strictly UTF-8. */
export function readTextFileBounded(path: string, limit: ReadLimit): string {
  return decodeUtf8Strict(readFileBounded(path, limit).bytes, `${limit.what} ${path}`);
}
