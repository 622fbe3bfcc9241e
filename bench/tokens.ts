/**
 * Playback token minting (`ivsctl channel token --count`), offline, against the runtime's raw
 * ES384 sign rate measured in the same run on the same signing input. One core, sequential.
 */
import { sign } from "node:crypto";
import { generateP384 } from "../src/tokens/es384.ts";
import { mintPlaybackTokens, playbackClaims, type PlaybackTokenOptions } from "../src/tokens/playback.ts";
import { median, type BenchRow } from "./lib.ts";

const N = 2_000;
const RUNS = Number(process.env.BENCH_TOKEN_RUNS ?? 7);

export async function benchTokens(): Promise<BenchRow[]> {
  const { privateKey } = generateP384();
  const opts: PlaybackTokenOptions = {
    channelArn: "arn:aws:ivs:us-east-1:123456789012:channel/AbCdEf012345",
    ttlMs: 600_000,
    singleUse: true,
    viewerId: "bench-viewer",
    origins: ["https://example.com"],
  };
  // The raw rate signs the same bytes a token signs: header.payload of a representative token.
  const header = Buffer.from(JSON.stringify({ alg: "ES384", typ: "JWT" })).toString("base64url");
  const payload = Buffer.from(JSON.stringify(playbackClaims(opts, Date.now()))).toString("base64url");
  const input = Buffer.from(`${header}.${payload}`);
  const cryptoKey = privateKey.toCryptoKey({ name: "ECDSA", namedCurve: "P-384" }, false, ["sign"]);

  const rawNode = async () => {
    for (let i = 0; i < N; i++) sign("sha384", input, { key: privateKey, dsaEncoding: "ieee-p1363" });
  };
  const rawWebCrypto = async () => {
    for (let i = 0; i < N; i++) await crypto.subtle.sign({ name: "ECDSA", hash: "SHA-384" }, cryptoKey, input);
  };
  const mint = async () => {
    let n = 0;
    for await (const _ of mintPlaybackTokens(privateKey, opts, N, Date.now())) n++;
    if (n !== N) throw new Error(`minted ${n} of ${N}`);
  };

  // Interleave the three so drift (thermal, GC) hits all of them alike; one warm-up round.
  const times: Record<"node" | "web" | "mint", number[]> = { node: [], web: [], mint: [] };
  for (let run = 0; run <= RUNS; run++) {
    for (const [k, fn] of [["node", rawNode], ["web", rawWebCrypto], ["mint", mint]] as const) {
      const t = performance.now();
      await fn();
      if (run > 0) times[k].push(performance.now() - t);
    }
  }
  const node = median(times.node);
  const web = median(times.web);
  const mintMs = median(times.mint);
  const raw = Math.min(node, web); // the runtime's best raw ES384 rate
  const rate = (ms: number) => Math.round((N / ms) * 1000);
  return [
    { name: `raw ES384 sign x${N} (node:crypto)`, median: node, runs: RUNS, note: `${rate(node)} signs/s` },
    { name: `raw ES384 sign x${N} (WebCrypto)`, median: web, runs: RUNS, note: `${rate(web)} signs/s` },
    {
      name: `channel token: mint ${N} playback tokens (offline)`,
      median: mintMs,
      runs: RUNS,
      note: `${rate(mintMs)} tokens/s = ${((raw / mintMs) * 100).toFixed(0)}% of the raw rate (target >= 90%)`,
    },
  ];
}

if (import.meta.main) {
  for (const r of await benchTokens()) console.log(`${r.name.padEnd(52)} ${r.median.toFixed(1).padStart(8)} ms  ${r.note ?? ""}`);
}
