/**
 * Self-signed participant-token minting: the raw ES384 sign rate on one core, bulk minting on one
 * thread, and bulk minting on every core, measured side by side in this process.
 * Target (issue 5): every-core throughput >= 90% of (cores x single-core rate).
 */
import { availableParallelism } from "node:os";
import { sign } from "node:crypto";
import { signMany } from "../src/stage/mint-pool.ts";
import { generateP384 } from "../src/tokens/es384.ts";
import { participantClaims } from "../src/tokens/participant.ts";
import { median, type BenchRow } from "./lib.ts";

export async function benchStage(): Promise<BenchRow[]> {
  const pair = generateP384();
  const key = { privateKey: pair.privateKey, privateKeyPem: pair.privateKeyPem, publicKeyArn: "arn:aws:ivs:us-east-1:123456789012:public-key/AbCdEf012345" };
  const n = 8000;
  const claims = Array.from({ length: n }, (_, i) =>
    participantClaims({
      stageArn: "arn:aws:ivs:us-east-1:123456789012:stage/AbCdEf012345",
      endpoints: { events: "wss://global.events.live-video.net", whip: "https://global.whip.live-video.net" },
      participantId: `p-${i}`,
      nowMs: Date.now(),
      token: { capabilities: ["PUBLISH", "SUBSCRIBE"], durationMinutes: 720 },
    }),
  );
  const data = Buffer.from("x".repeat(400));
  const rate = async (fn: () => unknown | Promise<unknown>, count: number) => {
    const xs: number[] = [];
    for (let r = 0; r < 5; r++) {
      const t = performance.now();
      await fn();
      xs.push((count / (performance.now() - t)) * 1000);
    }
    return median(xs);
  };
  const raw = await rate(() => {
    for (let i = 0; i < n; i++) sign("sha384", data, { key: pair.privateKey, dsaEncoding: "ieee-p1363" });
  }, n);
  const one = await rate(() => signMany(claims, key, 1), n);
  const cores = availableParallelism();
  const all = await rate(() => signMany(claims, key, cores), n);
  return [
    { name: "raw ES384 sign, 1 core", median: raw, unit: "signatures/s", runs: 5 },
    { name: "self-signed minting, 1 thread", median: one, unit: "tokens/s", runs: 5, note: `${((one / raw) * 100).toFixed(0)}% of the raw sign rate` },
    {
      name: `self-signed minting, ${cores} threads`,
      median: all,
      unit: "tokens/s",
      runs: 5,
      note: `${((all / (cores * raw)) * 100).toFixed(0)}% of ${cores} x raw sign rate (target >= 90%)`,
    },
  ];
}

if (import.meta.main) console.table(await benchStage());
