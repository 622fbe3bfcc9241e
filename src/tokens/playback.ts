/**
 * Playback tokens for private channels (ES384 JWTs), as the IVS user guide defines them:
 * `aws:`-prefixed claims, `exp` in seconds, optional claims only when asked. Pure: no SDK.
 */
import type { KeyObject } from "node:crypto";
import type { JWTPayload } from "jose";
import { checkDurationMs } from "../cli/duration.ts";
import { usageError } from "../cli/errors.ts";

/** Most tokens one `--count` invocation mints (playback and participant tokens alike). */
export const MAX_TOKEN_COUNT = 100_000;

export const MAX_RESOLUTIONS = ["SD", "HD", "FULL_HD"] as const;
export const MAX_STRICT_ORIGINS = 5;
export const MAX_VIEWER_ID = 40;
/** With a single-use uuid or a viewer id, exp may be at most 10 minutes ahead. */
export const MAX_SHORT_TTL_MS = 10 * 60_000;

export interface PlaybackTokenOptions {
  channelArn: string;
  ttlMs: number;
  origins?: string[];
  strictOrigin?: boolean;
  viewerId?: string;
  viewerSessionVersion?: number;
  singleUse?: boolean;
  maxResolution?: (typeof MAX_RESOLUTIONS)[number];
}

/**
 * One origin as the token takes it: `*`, or scheme://host[:port], the host optionally starting with `*.`.
 * Returns the normalised origin (no trailing slash), or throws exit 2.
 */
export function normaliseOrigin(value: string): string {
  // Any origin: AWS's own example token uses "*" (IVS Low-Latency user guide, private channels).
  if (value.trim() === "*") return "*";
  const m = /^(https?):\/\/(\*\.)?([^/?#]+?)\/?$/i.exec(value.trim());
  let url: URL | undefined;
  if (m) {
    try {
      url = new URL(`${m[1]}://${m[2] ? "wildcard." : ""}${m[3]}`);
    } catch {
      url = undefined;
    }
  }
  if (!m || !url || url.username || url.password || !url.hostname) {
    throw usageError(`--origin must be an origin such as https://example.com or https://*.example.com (got "${value}")`);
  }
  return `${m[1]!.toLowerCase()}://${m[2] ?? ""}${url.host.replace(/^wildcard\./, "")}`;
}

/** The documented limits, checked before the key is read or any call is made. */
export function checkPlaybackTokenOptions(o: Omit<PlaybackTokenOptions, "channelArn">): void {
  if (!Number.isFinite(o.ttlMs) || o.ttlMs <= 0) throw usageError(`--ttl must be positive (got ${o.ttlMs / 1000}s)`);
  if (o.ttlMs < 1000) throw usageError("--ttl must be at least 1s (exp is in whole seconds)");
  checkDurationMs(o.ttlMs, "--ttl");
  const origins = o.origins ?? [];
  origins.forEach(normaliseOrigin);
  if (o.strictOrigin && origins.length === 0) throw usageError("--strict-origin needs at least one --origin");
  if (o.strictOrigin && origins.length > MAX_STRICT_ORIGINS) {
    throw usageError(`at most ${MAX_STRICT_ORIGINS} origins are allowed with --strict-origin (got ${origins.length})`);
  }
  if (o.viewerId !== undefined) {
    if (o.viewerId.length === 0) throw usageError("--viewer-id must not be empty");
    if (o.viewerId.length > MAX_VIEWER_ID) throw usageError(`--viewer-id may be at most ${MAX_VIEWER_ID} characters (got ${o.viewerId.length})`);
  }
  if (o.viewerSessionVersion !== undefined && (!Number.isInteger(o.viewerSessionVersion) || o.viewerSessionVersion < 0)) {
    throw usageError(`--viewer-session-version must be a whole number >= 0 (got ${o.viewerSessionVersion})`);
  }
  if ((o.singleUse || o.viewerId !== undefined) && o.ttlMs > MAX_SHORT_TTL_MS) {
    throw usageError(`with ${o.singleUse ? "--single-use" : "--viewer-id"} the token may expire at most 10 minutes ahead (--ttl ${Math.round(o.ttlMs / 1000)}s is longer)`, "use --ttl 10m or less");
  }
}

/** The claims of one token. `uuid` is used only with singleUse (a fresh one per token). */
export function playbackClaims(o: PlaybackTokenOptions, nowMs: number, uuid?: string): JWTPayload {
  const claims: JWTPayload = { "aws:channel-arn": o.channelArn };
  if (o.origins?.length) claims["aws:access-control-allow-origin"] = o.origins.map(normaliseOrigin).join(",");
  if (o.strictOrigin) claims["aws:strict-origin-enforcement"] = true;
  if (o.singleUse) claims["aws:single-use-uuid"] = uuid ?? crypto.randomUUID();
  if (o.viewerId !== undefined) claims["aws:viewer-id"] = o.viewerId;
  if (o.viewerSessionVersion !== undefined) claims["aws:viewer-session-version"] = o.viewerSessionVersion;
  if (o.maxResolution) claims["aws:maximum-resolution"] = o.maxResolution;
  claims.exp = Math.floor((nowMs + o.ttlMs) / 1000);
  return claims;
}

/** `<playbackUrl>?token=<jwt>` (or `&token=` when the URL already has a query). */
export function playbackUrlWithToken(playbackUrl: string, token: string): string {
  return `${playbackUrl}${playbackUrl.includes("?") ? "&" : "?"}token=${token}`;
}

/** Mint `count` tokens with one key (a fresh single-use uuid each, when asked). `channel token --count` and the benchmark both use this. */
export async function* mintPlaybackTokens(key: KeyObject, o: PlaybackTokenOptions, count: number, nowMs: number): AsyncGenerator<{ token: string; claims: JWTPayload }> {
  const { signEs384 } = await import("./es384.ts"); // jose loads only when signing
  for (let i = 0; i < count; i++) {
    const claims = playbackClaims(o, nowMs);
    yield { token: await signEs384(claims, key), claims };
  }
}
