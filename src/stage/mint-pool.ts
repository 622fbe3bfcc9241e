/**
 * Bulk self-signed minting on every core. ES384 signing is CPU-bound, so N tokens are split into
 * one contiguous slice per worker thread; results come back in order.
 *
 * The worker is a Blob module (source below) rather than a separate entry file: `bun build
 * --compile` embeds only the entry points it is given, and a Blob worker needs none, so the
 * compiled binary needs no change to its build command. The worker repeats the few lines of
 * signParticipantToken (src/tokens/participant.ts); test/unit/participant-token.test.ts checks
 * that both produce tokens that verify.
 */
import { availableParallelism } from "node:os";
import { configError } from "../cli/errors.ts";
import { participantHeader, signParticipantToken } from "../tokens/participant.ts";
import type { KeyObject } from "node:crypto";

const WORKER_SOURCE = `
import { createPrivateKey, sign } from "node:crypto";
self.onmessage = (e) => {
  const { pem, header, payloads } = e.data;
  const key = createPrivateKey(pem);
  const out = new Array(payloads.length);
  for (let i = 0; i < payloads.length; i++) {
    const input = header + "." + Buffer.from(payloads[i]).toString("base64url");
    out[i] = input + "." + sign("sha384", Buffer.from(input), { key, dsaEncoding: "ieee-p1363" }).toString("base64url");
  }
  postMessage(out);
};
`;

let workerUrl: string | undefined;

/**
 * How many threads bulk minting uses: IVSCTL_MINT_THREADS, else every core. More threads than
 * cores only cost memory (each worker is a whole JS heap): the value is capped at the core count.
 * A value that is not a whole number >= 1 is a configuration error (exit 3).
 */
export function mintThreads(env: Record<string, string | undefined>, cores: number = availableParallelism()): number {
  const v = env.IVSCTL_MINT_THREADS;
  if (v === undefined || v === "") return cores;
  if (!/^\d+$/.test(v.trim()) || Number(v) < 1) throw configError(`IVSCTL_MINT_THREADS must be a whole number >= 1 (got "${v}")`);
  return Math.min(Number(v), cores);
}

/** Below this many tokens, starting workers costs more than it saves. */
export const MIN_PARALLEL = 32;

/** Sign every claims object; `threads` 1 signs on this thread. */
export async function signMany(claims: object[], key: { privateKey: KeyObject; privateKeyPem: string; publicKeyArn: string }, threads: number): Promise<string[]> {
  if (threads <= 1 || claims.length < MIN_PARALLEL) return claims.map((c) => signParticipantToken(c, key.privateKey, key.publicKeyArn));
  const n = Math.min(threads, claims.length);
  const header = participantHeader(key.publicKeyArn);
  workerUrl ??= URL.createObjectURL(new Blob([WORKER_SOURCE], { type: "application/javascript" }));
  const size = Math.ceil(claims.length / n);
  const slices = Array.from({ length: n }, (_, i) => claims.slice(i * size, (i + 1) * size).map((c) => JSON.stringify(c)));
  const results = await Promise.all(
    slices.map(
      (payloads) =>
        new Promise<string[]>((resolve, reject) => {
          const w = new Worker(workerUrl!);
          w.onmessage = (e: MessageEvent<string[]>) => {
            resolve(e.data);
            w.terminate();
          };
          w.onerror = (e) => {
            reject(new Error(`signing worker failed: ${e.message}`));
            w.terminate();
          };
          // The key crosses to the worker in memory only (never argv, env or disk).
          w.postMessage({ pem: key.privateKeyPem, header, payloads });
        }),
    ),
  );
  return results.flat();
}
