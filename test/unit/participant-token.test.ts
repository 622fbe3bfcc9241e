/** Participant-token limits, claims, ES384 signing (one thread and the worker pool) and verification. */
import { describe, expect, test } from "bun:test";
import { generateP384 } from "../../src/tokens/es384.ts";
import {
  attributesBytes,
  checkParticipantId,
  checkTokenOptions,
  durationMinutesOf,
  parseAttributes,
  parseCapabilities,
  participantClaims,
  signParticipantToken,
} from "../../src/tokens/participant.ts";
import { compactVerify, decodeProtectedHeader, decodeJwt } from "jose";
import { createPublicKey } from "node:crypto";
import { MIN_PARALLEL, signMany } from "../../src/stage/mint-pool.ts";
import { checkStageToken } from "../../src/stage/options.ts";
import { expectUsageError } from "../helpers/assert.ts";

const usage = (fn: () => unknown): string => expectUsageError(fn).message;

const STAGE = "arn:aws:ivs:us-east-1:123456789012:stage/AbCdEf012345";
const KID = "arn:aws:ivs:us-east-1:123456789012:public-key/KeY012345678";
const base = { capabilities: ["PUBLISH", "SUBSCRIBE"] as ("PUBLISH" | "SUBSCRIBE")[], durationMinutes: 720 };

describe("documented limits, checked before any call", () => {
  test("duration: 1 minute to 14 days, whole minutes", () => {
    expect(durationMinutesOf(60_000)).toBe(1);
    expect(durationMinutesOf(14 * 86_400_000)).toBe(20_160);
    expect(usage(() => durationMinutesOf(0))).toContain("between 1 minute and 14 days");
    expect(usage(() => durationMinutesOf(15 * 86_400_000))).toContain("between 1 minute and 14 days");
    expect(usage(() => durationMinutesOf(90_000))).toContain("whole minutes");
  });

  test("attributes: at most 1024 bytes of keys and values (UTF-8)", () => {
    const ok = parseAttributes([`a=${"x".repeat(1023)}`]);
    expect(attributesBytes(ok)).toBe(1024);
    checkTokenOptions({ ...base, attributes: ok });
    const over = parseAttributes([`a=${"x".repeat(1024)}`]);
    expect(usage(() => checkTokenOptions({ ...base, attributes: over }))).toBe("attributes take 1025 bytes; IVS allows at most 1024 (1 KB) in total");
    expect(attributesBytes({ "é": "€" })).toBe(5);
    expect(usage(() => parseAttributes(["novalue"]))).toContain("key=value");
    expect(usage(() => parseAttributes(["a=1", "a=2"]))).toContain("given twice");
  });

  test("user id: at most 128 characters", () => {
    checkTokenOptions({ ...base, userId: "u".repeat(128) });
    expect(usage(() => checkTokenOptions({ ...base, userId: "u".repeat(129) }))).toContain("longer than 128");
  });

  test("capabilities: publish and/or subscribe, case-insensitive; a typo is refused", () => {
    expect(parseCapabilities(undefined)).toEqual(["PUBLISH", "SUBSCRIBE"]);
    expect(parseCapabilities("subscribe")).toEqual(["SUBSCRIBE"]);
    expect(parseCapabilities("Publish,SUBSCRIBE,publish")).toEqual(["PUBLISH", "SUBSCRIBE"]);
    expect(usage(() => parseCapabilities("publsh"))).toContain('unknown capability "publsh"');
  });

  test("participant id: [a-zA-Z0-9-_], 1 to 64", () => {
    expect(checkParticipantId("host_1-a")).toBe("host_1-a");
    expect(usage(() => checkParticipantId("a b"))).toContain("letters, digits, - and _");
    expect(usage(() => checkParticipantId("x".repeat(65)))).toContain("1 to 64");
    // With --count the -N suffix must fit too.
    expect(usage(() => checkStageToken({ stage: "s", token: base, selfSigned: true, count: 100, participantId: "x".repeat(62), overrides: {} }))).toContain("-N suffix");
    expect(usage(() => checkStageToken({ stage: "s", token: base, selfSigned: false, participantId: "p", overrides: {} }))).toContain("--self-signed");
  });

  test("--count: 1..100000", () => {
  });
});

describe("self-signed tokens", () => {
  const pair = generateP384();
  const claims = participantClaims({
    stageArn: STAGE,
    endpoints: { events: "wss://events.example", whip: "https://whip.example" },
    participantId: "host-1",
    nowMs: 1_700_000_000_123,
    token: { ...base, capabilities: ["SUBSCRIBE"], userId: "alice", attributes: { role: "guest" }, durationMinutes: 60 },
  });

  test("claims: seconds, jti = participant id, resource/topic = stage, capabilities object, version 1.0", () => {
    expect(claims).toEqual({
      exp: 1_700_000_000 + 3600,
      iat: 1_700_000_000,
      jti: "host-1",
      resource: STAGE,
      topic: "AbCdEf012345",
      events_url: "wss://events.example",
      whip_url: "https://whip.example",
      user_id: "alice",
      attributes: { role: "guest" },
      capabilities: { allow_publish: false, allow_subscribe: true },
      version: "1.0",
    });
  });

  // Verified with jose, a second implementation of ES384 (signing here is our own node:crypto code).
  const verifies = (token: string, publicKeyPem: string) => compactVerify(token, createPublicKey(publicKeyPem), { algorithms: ["ES384"] }).then(() => true, () => false);

  test("header alg ES384, typ JWT, kid = public key ARN; verifies with the public key only", async () => {
    const token = signParticipantToken(claims, pair.privateKey, KID);
    expect(decodeProtectedHeader(token)).toEqual({ alg: "ES384", typ: "JWT", kid: KID });
    expect(decodeJwt(token)).toEqual(claims as unknown as Record<string, unknown>);
    expect(Buffer.from(token.split(".")[2]!, "base64url").length).toBe(96); // raw r||s for P-384
    expect(await verifies(token, pair.publicKeyPem)).toBe(true);
    expect(await verifies(token, generateP384().publicKeyPem)).toBe(false);
    const [h, , sig] = token.split(".");
    const tampered = `${h}.${Buffer.from(JSON.stringify({ ...claims, jti: "evil" })).toString("base64url")}.${sig}`;
    expect(await verifies(tampered, pair.publicKeyPem)).toBe(false);
  });

  test("the worker pool signs the same claims into tokens that verify, in order", async () => {
    const many = Array.from({ length: MIN_PARALLEL * 2 + 3 }, (_, i) => ({ ...claims, jti: `p-${i}` }));
    const tokens = await signMany(many, { privateKey: pair.privateKey, privateKeyPem: pair.privateKeyPem, publicKeyArn: KID }, 2);
    expect(tokens).toHaveLength(many.length);
    for (const [i, t] of tokens.entries()) {
      expect(decodeProtectedHeader(t).kid).toBe(KID);
      expect(decodeJwt(t).jti).toBe(`p-${i}`);
      expect(await verifies(t, pair.publicKeyPem)).toBe(true);
    }
  });
});
