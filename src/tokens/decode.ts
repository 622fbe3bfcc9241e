/**
 * `ivsctl token decode|verify`: look inside a playback token (low-latency) or a participant token
 * (real-time), with times made readable, and check signature and expiry. Decoding is pure; verify
 * may fetch a real-time public key by ARN (IVS never returns playback public keys).
 */
import type { KeyObject } from "node:crypto";
import { arnProblem } from "../aws/resolve.ts";
import { parseArn } from "../contract/arn.ts";
import type { Context } from "../cli/context.ts";
import { formatDuration } from "../cli/duration.ts";
import { CliError, toCliError, usageError } from "../cli/errors.ts";
import { ExitCode } from "../cli/exit-codes.ts";
import type { Cell } from "../cli/output.ts";
import { READ_LIMITS } from "../cli/bounded-read.ts";
import { readKeyFile } from "./es384.ts";

export type TokenKind = "playback" | "participant" | "unknown";

export interface DecodedToken {
  kind: TokenKind;
  header: Record<string, unknown>;
  claims: Record<string, unknown>;
  /** The compact form that was decoded (a playback URL's ?token= is taken out). */
  token: string;
}

const TIME_CLAIMS = ["exp", "iat", "nbf"] as const;

function b64json(part: string, what: string): Record<string, unknown> {
  try {
    const v = JSON.parse(Buffer.from(part, "base64url").toString("utf8"));
    if (v && typeof v === "object" && !Array.isArray(v)) return v as Record<string, unknown>;
  } catch {
    // reported below
  }
  throw usageError(`not a JWT: the ${what} is not base64url-encoded JSON`);
}

/** A compact JWT, or a playback URL carrying one in ?token=. */
export function extractToken(input: string): string {
  const t = input.trim();
  if (/^https?:\/\//i.test(t)) {
    let token: string | null = null;
    try {
      token = new URL(t).searchParams.get("token");
    } catch {
      token = null;
    }
    if (!token) throw usageError("the URL has no ?token= parameter");
    return token;
  }
  return t;
}

export function decodeJwt(input: string): DecodedToken {
  const token = extractToken(input);
  const parts = token.split(".");
  if (parts.length !== 3 || parts.some((p) => !/^[A-Za-z0-9_-]*$/.test(p)) || !parts[0] || !parts[1]) {
    throw usageError("not a JWT: expected three base64url parts separated by dots");
  }
  const header = b64json(parts[0], "header");
  const claims = b64json(parts[1], "payload");
  return { kind: kindOf(claims), header, claims, token };
}

export function kindOf(claims: Record<string, unknown>): TokenKind {
  if (typeof claims["aws:channel-arn"] === "string") return "playback";
  const resource = claims.resource;
  if ((typeof resource === "string" && /:stage\//.test(resource)) || claims.capabilities !== undefined || claims.whip_url !== undefined) return "participant";
  return "unknown";
}

function relative(ms: number): string {
  const d = Math.round(Math.abs(ms) / 1000) * 1000;
  const text = d === 0 ? "0s" : formatDuration(d >= 60_000 ? Math.round(d / 60_000) * 60_000 : d);
  return ms >= 0 ? `in ${text}` : `${text} ago`;
}

/** Claims with numeric times turned into ISO dates (for JSON) next to the raw values. */
export function readableTimes(claims: Record<string, unknown>, nowMs: number): Record<string, { epochSeconds: number; time: string; relative: string }> {
  const out: Record<string, { epochSeconds: number; time: string; relative: string }> = {};
  for (const c of TIME_CLAIMS) {
    const v = claims[c];
    if (typeof v !== "number") continue;
    out[c] = { epochSeconds: v, time: new Date(v * 1000).toISOString().replace(/\.\d{3}Z$/, "Z"), relative: relative(v * 1000 - nowMs) };
  }
  return out;
}

function fieldsOf(d: DecodedToken, nowMs: number): [string, Cell][] {
  const times = readableTimes(d.claims, nowMs);
  const fields: [string, Cell][] = [["Kind", d.kind], ["Header", JSON.stringify(d.header)]];
  for (const [k, v] of Object.entries(d.claims)) {
    const t = times[k];
    fields.push([k, t ? `${t.time} (${t.relative})` : typeof v === "object" ? JSON.stringify(v) : (v as Cell)]);
  }
  return fields;
}

function expiryOf(d: DecodedToken, nowMs: number): { expiresAt?: string; expired: boolean } {
  const exp = d.claims.exp;
  if (typeof exp !== "number") return { expired: false };
  return { expiresAt: new Date(exp * 1000).toISOString(), expired: exp * 1000 <= nowMs };
}

export async function decodeToken(ctx: Context, o: { token: string }): Promise<void> {
  const input = o.token === "-" ? (await ctx.io.readStdin({ maxBytes: READ_LIMITS.jwt, what: "the token on stdin" })).trim() : o.token;
  const d = decodeJwt(input);
  const now = ctx.now();
  const exp = expiryOf(d, now);
  if (typeof d.claims.exp === "number" && d.claims.exp > 1e11) {
    ctx.log.warn("exp looks like milliseconds: IVS reads it as seconds, so this token's expiry is thousands of years away");
  }
  ctx.out.result(
    { kind: d.kind, header: d.header, claims: d.claims, times: readableTimes(d.claims, now), ...exp },
    { kind: "record", fields: [...fieldsOf(d, now), ["Expired", exp.expiresAt ? exp.expired : "no exp claim"]] },
  );
}

/** Key for verify: a PEM file (public or private), or a real-time public-key ARN fetched with GetPublicKey. */
async function verificationKey(ctx: Context, ref: string): Promise<{ key: KeyObject; source: string }> {
  const { importPublicKeyPem } = await import("./es384.ts");
  if (ref.startsWith("arn:")) {
    const arn = parseArn(ref);
    if (!arn || arnProblem(ref) || arn.service !== "ivs") throw usageError(`"${ref}" is not an IVS key ARN${arnProblem(ref) ? `: ${arnProblem(ref)}` : ""}`);
    if (arn.resourceType === "playback-key") {
      throw usageError(
        "IVS does not return playback public keys (GetPlaybackKeyPair gives only the ARN and fingerprint)",
        "pass the PEM file instead: --public-key public.pem (a private key file works too)",
      );
    }
    if (arn.resourceType !== "public-key") throw usageError(`"${ref}" is a ${arn.resourceType} ARN, not a public-key ARN`);
    const { GetPublicKeyCommand } = await import("@aws-sdk/client-ivs-realtime");
    const rt = await ctx.aws.realtime();
    let pem: string | undefined;
    try {
      pem = (await rt.send(new GetPublicKeyCommand({ arn: ref }))).publicKey?.publicKeyMaterial;
    } catch (e) {
      const err = toCliError(e, `fetching public key ${ref}`);
      // A kid naming a deleted key is a verification failure like any other (exit 5), not "not found".
      if (err.exitCode === ExitCode.NotFound) throw new CliError(`the token's key ${ref} no longer exists: the token cannot verify`, { exitCode: ExitCode.State, code: "KeyNotFound" });
      throw err;
    }
    if (!pem) throw new CliError(`public key ${ref} came back without key material`, { exitCode: ExitCode.Internal, code: "NoKeyMaterial" });
    return { key: importPublicKeyPem(pem, ref), source: ref };
  }
  return { key: importPublicKeyPem(readKeyFile(ref, "public key file"), ref), source: ref };
}

/** Every way a token fails to verify is exit 5 (the token's state), with its own code. */
const verifyFailure = (message: string, code: string) => new CliError(message, { exitCode: ExitCode.State, code });

/**
 * A participant token that CreateParticipantToken issued: its kid names no public-key ARN, because
 * IVS signs it with a key of its own ("Encryption keys are owned by Amazon IVS and never used
 * directly by your application", CreateParticipantToken in the real-time API reference).
 */
function signedByIvs(d: DecodedToken): boolean {
  const kid = d.header.kid;
  return d.kind === "participant" && !(typeof kid === "string" && parseArn(kid)?.resourceType === "public-key");
}

export async function verifyToken(ctx: Context, o: { token: string; publicKey?: string }): Promise<void> {
  const input = o.token === "-" ? (await ctx.io.readStdin({ maxBytes: READ_LIMITS.jwt, what: "the token on stdin" })).trim() : o.token;
  const d = decodeJwt(input);
  if (d.header.alg !== "ES384") throw verifyFailure(`IVS tokens are signed with ES384; this token says alg ${JSON.stringify(d.header.alg)}`, "UnsupportedAlgorithm");
  if (o.publicKey === undefined && signedByIvs(d)) {
    const now = ctx.now();
    ctx.out.result(
      { kind: d.kind, valid: null, signatureValid: null, signer: "ivs", ...expiryOf(d, now), header: d.header, claims: d.claims, times: readableTimes(d.claims, now) },
      { kind: "record", fields: [["Signature", "not verifiable here: signed by IVS's own key (CreateParticipantToken), which is not public"], ...fieldsOf(d, now)] },
    );
    throw new CliError("this participant token was issued by IVS (CreateParticipantToken) and is signed with IVS's own key, which is not public: it cannot be verified here", {
      exitCode: ExitCode.State,
      code: "NotVerifiable",
      hint: "only IVS checks such tokens, when a participant joins; `ivsctl token decode` shows what they hold",
    });
  }
  const ref = o.publicKey ?? (typeof d.header.kid === "string" && d.header.kid.startsWith("arn:") ? d.header.kid : undefined);
  if (!ref) throw usageError("--public-key FILE|ARN is required (the token's header names no key)");
  const { key, source } = await verificationKey(ctx, ref);
  const { compactVerify } = await import("jose");
  let signatureValid = true;
  try {
    await compactVerify(d.token, key, { algorithms: ["ES384"] });
  } catch {
    signatureValid = false;
  }
  const now = ctx.now();
  const exp = expiryOf(d, now);
  const valid = signatureValid && !exp.expired && exp.expiresAt !== undefined;
  ctx.out.result(
    { kind: d.kind, valid, signatureValid, ...exp, key: source, header: d.header, claims: d.claims, times: readableTimes(d.claims, now) },
    {
      kind: "record",
      fields: [
        ["Signature", signatureValid ? `valid (${source})` : `INVALID for ${source}`],
        ["Expiry", exp.expiresAt ? (exp.expired ? `EXPIRED ${readableTimes(d.claims, now).exp!.relative}` : `ok, ${readableTimes(d.claims, now).exp!.relative}`) : "MISSING exp claim"],
        ...fieldsOf(d, now),
      ],
    },
  );
  if (!signatureValid) throw verifyFailure(`signature does not verify with ${source}`, "InvalidSignature");
  if (!exp.expiresAt) throw verifyFailure("the token has no exp claim: IVS rejects it", "MissingExpiry");
  if (exp.expired) throw verifyFailure(`the token expired ${readableTimes(d.claims, now).exp!.relative}`, "TokenExpired");
}
