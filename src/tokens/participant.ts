/**
 * IVS real-time participant tokens: the documented limits (checked before any call), the claims of
 * self-signed ES384 tokens, and signing them. Pure: node:crypto only, no SDK, so commands can
 * validate input before any call. (The emulator verifies tokens with its own code:
 * src/local/participant-tokens.ts.)
 *
 * Limits (CreateParticipantToken, IVS real-time API reference): duration 1..20160 minutes (default
 * 720), capabilities PUBLISH and/or SUBSCRIBE (default both), userId at most 128 characters,
 * attributes at most 1 KB in total, participant ids `[a-zA-Z0-9-_]` at most 64.
 */
import { randomBytes, type KeyObject } from "node:crypto";
import { usageError } from "../cli/errors.ts";
import { signEs384Sync } from "./es384.ts";
import type { ParticipantTokenClaims } from "../contract/participant-token.ts";
import { arnId } from "../contract/arn.ts";

export const CAPABILITIES = ["PUBLISH", "SUBSCRIBE"] as const;
export type Capability = (typeof CAPABILITIES)[number];

export const MIN_DURATION_MINUTES = 1;
export const MAX_DURATION_MINUTES = 20_160; // 14 days
export const DEFAULT_DURATION_MINUTES = 720;
export const MAX_USER_ID = 128;
export const MAX_ATTRIBUTES_BYTES = 1024;
export const PARTICIPANT_ID = /^[a-zA-Z0-9_-]{1,64}$/;

export interface TokenOptions {
  userId?: string;
  capabilities: Capability[];
  attributes?: Record<string, string>;
  durationMinutes: number;
}

/** "publish,subscribe" -> ["PUBLISH","SUBSCRIBE"]; a typo is exit 2. */
export function parseCapabilities(value: string | undefined, flag = "--capabilities"): Capability[] {
  if (value === undefined) return [...CAPABILITIES];
  const parts = value.split(",").map((s) => s.trim()).filter(Boolean);
  const out: Capability[] = [];
  for (const p of parts) {
    const hit = CAPABILITIES.find((c) => c === p.toUpperCase());
    if (!hit) throw usageError(`${flag}: unknown capability "${p}"`, `use ${CAPABILITIES.map((c) => c.toLowerCase()).join(", ")} (comma-separated)`);
    if (!out.includes(hit)) out.push(hit);
  }
  return out;
}

/** `--attribute k=v` (repeatable) -> map. */
export function parseAttributes(pairs: string[]): Record<string, string> | undefined {
  if (pairs.length === 0) return undefined;
  const out: Record<string, string> = {};
  for (const pair of pairs) {
    const eq = pair.indexOf("=");
    if (eq <= 0) throw usageError(`--attribute must be key=value (got "${pair}")`);
    const k = pair.slice(0, eq);
    if (k in out) throw usageError(`attribute "${k}" given twice`);
    out[k] = pair.slice(eq + 1);
  }
  return out;
}

/** Bytes the attributes take: UTF-8 bytes of every key and value. */
export function attributesBytes(attrs: Record<string, string> | undefined): number {
  let n = 0;
  for (const [k, v] of Object.entries(attrs ?? {})) n += Buffer.byteLength(k, "utf8") + Buffer.byteLength(v, "utf8");
  return n;
}

/** Duration in ms (from parseDuration) -> whole minutes, checked against 1 minute..14 days. */
export function durationMinutesOf(ms: number, flag = "--duration"): number {
  if (ms < MIN_DURATION_MINUTES * 60_000 || ms > MAX_DURATION_MINUTES * 60_000) {
    throw usageError(`${flag} must be between 1 minute and 14 days (got ${ms / 60_000} minutes)`);
  }
  if (ms % 60_000 !== 0) throw usageError(`${flag} must be whole minutes (got ${ms / 1000}s)`);
  return ms / 60_000;
}

export function checkParticipantId(id: string, flag = "--participant-id"): string {
  if (!PARTICIPANT_ID.test(id)) {
    throw usageError(`${flag} may hold only letters, digits, - and _ (1 to 64 characters), got "${id}"`);
  }
  return id;
}

/** Every documented limit, before any AWS call. */
export function checkTokenOptions(o: TokenOptions): void {
  if (o.userId !== undefined && [...o.userId].length > MAX_USER_ID) {
    throw usageError(`--user-id is longer than ${MAX_USER_ID} characters (${[...o.userId].length})`);
  }
  const bytes = attributesBytes(o.attributes);
  if (bytes > MAX_ATTRIBUTES_BYTES) {
    throw usageError(`attributes take ${bytes} bytes; IVS allows at most ${MAX_ATTRIBUTES_BYTES} (1 KB) in total`);
  }
  if (!Number.isInteger(o.durationMinutes) || o.durationMinutes < MIN_DURATION_MINUTES || o.durationMinutes > MAX_DURATION_MINUTES) {
    throw usageError(`duration must be between 1 minute and 14 days (got ${o.durationMinutes} minutes)`);
  }
}

const ID_ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";

/** A participant id like the ones IVS assigns: 12 alphanumerics. */
export function newParticipantId(): string {
  let s = "";
  for (const b of randomBytes(12)) s += ID_ALPHABET[b % ID_ALPHABET.length];
  return s;
}

/** The claims of a self-signed participant token (times in seconds). */
export type ParticipantClaims = ParticipantTokenClaims;

export function participantClaims(args: {
  stageArn: string;
  endpoints: { events?: string; whip?: string };
  participantId: string;
  nowMs: number;
  token: TokenOptions;
}): ParticipantClaims {
  const iat = Math.floor(args.nowMs / 1000);
  const claims: ParticipantClaims = {
    exp: iat + args.token.durationMinutes * 60,
    iat,
    jti: args.participantId,
    resource: args.stageArn,
    topic: arnId(args.stageArn),
    events_url: args.endpoints.events ?? "",
    whip_url: args.endpoints.whip ?? "",
    capabilities: { allow_publish: args.token.capabilities.includes("PUBLISH"), allow_subscribe: args.token.capabilities.includes("SUBSCRIBE") },
    version: "1.0",
  };
  if (args.token.userId !== undefined) claims.user_id = args.token.userId;
  if (args.token.attributes) claims.attributes = args.token.attributes;
  return claims;
}

const b64url = (s: string | Buffer) => Buffer.from(s).toString("base64url");

/** The protected header of a self-signed participant token. */
export function participantHeader(publicKeyArn: string): string {
  return b64url(JSON.stringify({ alg: "ES384", typ: "JWT", kid: publicKeyArn }));
}

/**
 * Sign synchronously (compact JWS, ES384, raw r||s signature). Synchronous on purpose: bulk minting
 * runs this in a tight loop on each core (see src/stage/mint-pool.ts, which carries a copy of these
 * few lines into its worker).
 */
export function signParticipantToken(claims: object, privateKey: KeyObject, publicKeyArn: string): string {
  return signEs384Sync(claims, privateKey, { kid: publicKeyArn });
}
