/**
 * Participant tokens in the emulator, as IVS real-time issues and checks them. The emulator's own
 * code: it shares nothing with the client's token code (src/tokens/*), so a bug there cannot hide
 * here.
 *
 * Shape (both kinds): a compact ES384 JWT whose claims are those of the real-time user guide,
 * "Step 3: Distribute Participant Tokens"
 * (https://docs.aws.amazon.com/ivs/latest/RealTimeUserGuide/getting-started-distribute-tokens.html)
 * and of the sample of AWS's blog post "Securing Token Generation for Amazon IVS Real-Time Streaming"
 * (github.com/hcwongleo/amazon-ivs-real-time-token-restriction, get-token-key/lambda/tokenGenerator.js):
 * exp, iat, jti (the participant id), resource (the stage
 * ARN), topic (the stage id), events_url, whip_url, capabilities {allow_publish, allow_subscribe},
 * version "1.0", and optional user_id and attributes.
 * - API tokens (CreateParticipantToken): signed with a P-384 key that IVS holds ("Encryption keys
 *   are owned by Amazon IVS", API reference). The emulator makes its own service key once per state
 *   file and keeps it in the store; the header's kid names it. The kid format of real API tokens is
 *   not documented; this one says what it is.
 * - Self-signed tokens: signed by the customer, kid = the ARN of a key imported with ImportPublicKey.
 * Limits: duration 1..20160 minutes (CreateParticipantToken.duration in the API reference), so a
 * token may live at most 14 days from iat; participant ids `[a-zA-Z0-9-_]{1,64}`.
 *
 * jose parses and signs; the signature check at join uses node:crypto because joining must stay
 * synchronous (the ECS emulator joins a virtual participant inside its pure task refresh), and
 * jose's verification is asynchronous only.
 */
import { createPrivateKey, createPublicKey, generateKeyPairSync, verify as verifySignature, type KeyObject } from "node:crypto";
import { decodeJwt, decodeProtectedHeader, SignJWT } from "jose";
import { randomId } from "./ids.ts";
import type { Store } from "./store.ts";
import type { ParticipantTokenClaims } from "../contract/participant-token.ts";

export const SERVICE_KEY_KIND = "ivs-realtime:service-key";
const SERVICE_KEY_ID = "current";

/** CreateParticipantToken.duration: 1..20160 minutes (IVS real-time API reference). */
export const MAX_TOKEN_MINUTES = 20_160;
const PARTICIPANT_ID = /^[a-zA-Z0-9_-]{1,64}$/;
const MAX_USER_ID_CHARS = 128;

interface ServiceKeyDoc {
  kid: string;
  privateKeyPem: string;
  publicKeyPem: string;
  createdAt: string;
}

/** The emulator's own signing key for API tokens: made once per state file, then reused. */
export function serviceKey(store: Store, now: Date = new Date()): ServiceKeyDoc {
  const existing = store.get<ServiceKeyDoc>(SERVICE_KEY_KIND, SERVICE_KEY_ID);
  if (existing) return existing;
  const pair = generateKeyPairSync("ec", { namedCurve: "secp384r1" });
  const doc: ServiceKeyDoc = {
    kid: `ivs-service-key/${randomId()}`,
    privateKeyPem: pair.privateKey.export({ type: "pkcs8", format: "pem" }).toString(),
    publicKeyPem: pair.publicKey.export({ type: "spki", format: "pem" }).toString(),
    createdAt: now.toISOString(),
  };
  return store.put(SERVICE_KEY_KIND, SERVICE_KEY_ID, doc);
}

export type TokenClaims = ParticipantTokenClaims;

/** An API participant token: a JWT signed with the service key, as CreateParticipantToken returns. */
export async function signApiToken(store: Store, claims: TokenClaims, now: Date): Promise<string> {
  const key = serviceKey(store, now);
  return new SignJWT({ ...claims })
    .setProtectedHeader({ alg: "ES384", typ: "JWT", kid: key.kid })
    .sign(createPrivateKey(key.privateKeyPem));
}

/** Why a token cannot join; `reason` values are stable (tests, the demo and the join route use them). */
export type TokenProblem = "MALFORMED_TOKEN" | "UNKNOWN_KEY" | "BAD_SIGNATURE" | "TOKEN_EXPIRED" | "INVALID_CLAIMS";

export class TokenError extends Error {
  constructor(
    readonly reason: TokenProblem,
    message: string,
  ) {
    super(message);
  }
}

export interface VerifiedToken {
  claims: TokenClaims;
  kid: string;
  signer: "service" | "public-key";
}

/**
 * Verify a compact JWS: structure, ES384 signature against the key its kid names (the service key,
 * or an imported public key found by `publicKeyPem(kid)`), then every claim. Throws TokenError.
 */
export function verifyParticipantToken(store: Store, token: string, publicKeyPem: (kid: string) => string | undefined, now: Date): VerifiedToken {
  let header: Record<string, unknown>;
  let payload: Record<string, unknown>;
  try {
    header = decodeProtectedHeader(token) as Record<string, unknown>;
    payload = decodeJwt(token) as Record<string, unknown>;
  } catch (e) {
    throw new TokenError("MALFORMED_TOKEN", `token is not a compact JWT: ${(e as Error).message}`);
  }
  const parts = token.split(".");
  if (parts.length !== 3) throw new TokenError("MALFORMED_TOKEN", "token is not a compact JWS (three parts)");
  if (header.alg !== "ES384") throw new TokenError("MALFORMED_TOKEN", `token alg must be ES384, not ${JSON.stringify(header.alg)}`);
  const kid = typeof header.kid === "string" ? header.kid : "";
  if (!kid) throw new TokenError("UNKNOWN_KEY", "token header has no kid");
  const service = store.get<ServiceKeyDoc>(SERVICE_KEY_KIND, SERVICE_KEY_ID);
  const signer: VerifiedToken["signer"] = service && service.kid === kid ? "service" : "public-key";
  const pem = signer === "service" ? service!.publicKeyPem : publicKeyPem(kid);
  if (!pem) throw new TokenError("UNKNOWN_KEY", `no imported public key ${kid}`);
  if (!signatureValid(`${parts[0]}.${parts[1]}`, parts[2]!, createPublicKey(pem))) {
    throw new TokenError("BAD_SIGNATURE", `signature does not verify against ${kid}`);
  }
  return { claims: checkClaims(payload, now), kid, signer };
}

function signatureValid(signingInput: string, signature: string, key: KeyObject): boolean {
  const raw = Buffer.from(signature, "base64url");
  if (raw.length !== 96) return false; // ES384: r||s, 48 bytes each (RFC 7518 §3.4)
  try {
    return verifySignature("sha384", Buffer.from(signingInput), { key, dsaEncoding: "ieee-p1363" }, raw);
  } catch {
    return false;
  }
}

const invalid = (message: string) => new TokenError("INVALID_CLAIMS", message);

function requireString(p: Record<string, unknown>, name: string): string {
  if (typeof p[name] !== "string" || (p[name] as string).length === 0) throw invalid(`claim ${name} must be a non-empty string`);
  return p[name] as string;
}

function requireSeconds(p: Record<string, unknown>, name: string): number {
  const v = p[name];
  if (typeof v !== "number" || !Number.isInteger(v) || v < 0) throw invalid(`claim ${name} must be a whole number of seconds`);
  return v;
}

/** Every claim IVS requires, with its type, and the lifetime limit. */
export function checkClaims(p: Record<string, unknown>, now: Date): TokenClaims {
  const exp = requireSeconds(p, "exp");
  const iat = requireSeconds(p, "iat");
  const jti = requireString(p, "jti");
  if (!PARTICIPANT_ID.test(jti)) throw invalid("claim jti (the participant id) may hold only letters, digits, - and _ (1 to 64)");
  const resource = requireString(p, "resource");
  const topic = requireString(p, "topic");
  const events_url = requireString(p, "events_url");
  const whip_url = requireString(p, "whip_url");
  if (p.version !== "1.0") throw invalid(`claim version must be "1.0" (got ${JSON.stringify(p.version)})`);
  const caps = p.capabilities;
  if (!caps || typeof caps !== "object" || Array.isArray(caps)) throw invalid("claim capabilities must be an object {allow_publish, allow_subscribe}");
  for (const [k, v] of Object.entries(caps)) {
    if (k !== "allow_publish" && k !== "allow_subscribe") throw invalid(`claim capabilities has an unknown field ${k}`);
    if (typeof v !== "boolean") throw invalid(`claim capabilities.${k} must be a boolean`);
  }
  const capabilities = { allow_publish: (caps as any).allow_publish === true, allow_subscribe: (caps as any).allow_subscribe === true };
  let user_id: string | undefined;
  if (p.user_id !== undefined) {
    if (typeof p.user_id !== "string") throw invalid("claim user_id must be a string");
    if ([...p.user_id].length > MAX_USER_ID_CHARS) throw invalid(`claim user_id exceeds ${MAX_USER_ID_CHARS} characters`);
    user_id = p.user_id;
  }
  let attributes: Record<string, string> | undefined;
  if (p.attributes !== undefined) {
    const a = p.attributes;
    if (!a || typeof a !== "object" || Array.isArray(a) || Object.values(a).some((v) => typeof v !== "string")) throw invalid("claim attributes must map strings to strings");
    attributes = a as Record<string, string>;
  }
  if (exp <= iat) throw invalid(`claim exp (${exp}) is not after iat (${iat})`);
  if (exp - iat > MAX_TOKEN_MINUTES * 60) throw invalid(`token lifetime ${Math.round((exp - iat) / 60)} minutes exceeds ${MAX_TOKEN_MINUTES} (14 days)`);
  if (exp * 1000 <= now.getTime()) throw new TokenError("TOKEN_EXPIRED", `token expired at ${new Date(exp * 1000).toISOString()}`);
  const out: TokenClaims = { exp, iat, jti, resource, topic, events_url, whip_url, capabilities, version: "1.0" };
  if (user_id !== undefined) out.user_id = user_id;
  if (attributes !== undefined) out.attributes = attributes;
  return out;
}
