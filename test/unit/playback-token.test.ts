import { describe, expect, test } from "bun:test";
import { generateKeyPairSync } from "node:crypto";
import { compactVerify } from "jose";
import { decodeJwt, kindOf, readableTimes } from "../../src/tokens/decode.ts";
import { checkPlaybackTokenOptions, mintPlaybackTokens, normaliseOrigin, playbackClaims, playbackUrlWithToken } from "../../src/tokens/playback.ts";
import { pemFromSecretString } from "../../src/channel/playback-token.ts";
import { expectUsageError } from "../helpers/assert.ts";

const ARN = "arn:aws:ivs:us-east-1:123456789012:channel/AbCdEf012345";
const NOW = Date.UTC(2025, 0, 1, 12, 0, 0, 500); // half a second past, to catch ms/s mix-ups

const usage = (fn: () => unknown): string => expectUsageError(fn).message;

describe("playback token claims", () => {
  test("only aws:channel-arn and exp (whole seconds) without options", () => {
    const c = playbackClaims({ channelArn: ARN, ttlMs: 3_600_000 }, NOW);
    expect(c).toEqual({ "aws:channel-arn": ARN, exp: Math.floor(NOW / 1000) + 3600 });
    expect(Number.isInteger(c.exp)).toBe(true);
    expect(c.exp).toBeLessThan(1e10); // seconds, not the milliseconds of the AWS Node example
  });

  test("each option adds exactly its aws: claim", () => {
    const base = { channelArn: ARN, ttlMs: 300_000 };
    expect(Object.keys(playbackClaims({ ...base, origins: ["https://a.example"] }, NOW)).sort()).toEqual(["aws:access-control-allow-origin", "aws:channel-arn", "exp"]);
    expect(playbackClaims({ ...base, origins: ["https://a.example", "https://*.b.example/"], strictOrigin: true }, NOW)).toMatchObject({
      "aws:access-control-allow-origin": "https://a.example,https://*.b.example",
      "aws:strict-origin-enforcement": true,
    });
    expect(playbackClaims({ ...base, viewerId: "v1", viewerSessionVersion: 0 }, NOW)).toMatchObject({ "aws:viewer-id": "v1", "aws:viewer-session-version": 0 });
    expect(playbackClaims({ ...base, maxResolution: "FULL_HD" }, NOW)["aws:maximum-resolution"]).toBe("FULL_HD");
    expect(playbackClaims({ ...base, singleUse: true }, NOW, "u-1")["aws:single-use-uuid"]).toBe("u-1");
    expect(playbackClaims({ ...base, singleUse: false, strictOrigin: false }, NOW)).toEqual({ "aws:channel-arn": ARN, exp: Math.floor(NOW / 1000) + 300 });
  });

  test("single-use tokens get a fresh uuid each", () => {
    const a = playbackClaims({ channelArn: ARN, ttlMs: 60_000, singleUse: true }, NOW)["aws:single-use-uuid"];
    const b = playbackClaims({ channelArn: ARN, ttlMs: 60_000, singleUse: true }, NOW)["aws:single-use-uuid"];
    expect(a).not.toBe(b);
  });

  test("origins: *, or scheme://host[:port] with *. wildcards, trailing slash dropped; anything else is exit 2", () => {
    expect(normaliseOrigin("https://Example.com/")).toBe("https://example.com");
    expect(normaliseOrigin("http://localhost:8080")).toBe("http://localhost:8080");
    expect(normaliseOrigin("https://*.example.com")).toBe("https://*.example.com");
    expect(normaliseOrigin("*")).toBe("*"); // AWS's own example token allows any origin
    for (const bad of ["example.com", "ftp://example.com", "https://example.com/path", "https://user:pw@example.com", "https://", "https://exa mple.com", "**", "*.example.com"]) {
      expect(usage(() => normaliseOrigin(bad))).toContain("--origin must be an origin");
    }
  });

  test("documented limits", () => {
    const ok = { ttlMs: 600_000 };
    expect(usage(() => checkPlaybackTokenOptions({ ttlMs: 0 }))).toBe("--ttl must be positive (got 0s)");
    expect(usage(() => checkPlaybackTokenOptions({ ttlMs: -1000 }))).toBe("--ttl must be positive (got -1s)");
    expect(usage(() => checkPlaybackTokenOptions({ ...ok, strictOrigin: true }))).toBe("--strict-origin needs at least one --origin");
    const six = [1, 2, 3, 4, 5, 6].map((i) => `https://o${i}.example`);
    expect(usage(() => checkPlaybackTokenOptions({ ...ok, strictOrigin: true, origins: six }))).toBe("at most 5 origins are allowed with --strict-origin (got 6)");
    expect(() => checkPlaybackTokenOptions({ ...ok, strictOrigin: false, origins: six })).not.toThrow(); // no maximum when not strict
    expect(() => checkPlaybackTokenOptions({ ...ok, strictOrigin: true, origins: six.slice(0, 5) })).not.toThrow();
    expect(usage(() => checkPlaybackTokenOptions({ ...ok, viewerId: "x".repeat(41) }))).toBe("--viewer-id may be at most 40 characters (got 41)");
    expect(() => checkPlaybackTokenOptions({ ...ok, viewerId: "x".repeat(40) })).not.toThrow();
    expect(usage(() => checkPlaybackTokenOptions({ ttlMs: 600_001, singleUse: true }))).toContain("at most 10 minutes ahead");
    expect(usage(() => checkPlaybackTokenOptions({ ttlMs: 601_000, viewerId: "a" }))).toContain("with --viewer-id");
    expect(() => checkPlaybackTokenOptions({ ttlMs: 86_400_000 })).not.toThrow();
    expect(usage(() => checkPlaybackTokenOptions({ ...ok, viewerSessionVersion: -1 }))).toContain("--viewer-session-version must be a whole number >= 0");
  });

  test("playback URL gets ?token= (or &token= after an existing query)", () => {
    expect(playbackUrlWithToken("https://x/a.m3u8", "T")).toBe("https://x/a.m3u8?token=T");
    expect(playbackUrlWithToken("https://x/a.m3u8?p=1", "T")).toBe("https://x/a.m3u8?p=1&token=T");
  });

  test("minted tokens verify with the public key and carry the claims", async () => {
    const { privateKey, publicKey } = generateKeyPairSync("ec", { namedCurve: "secp384r1" });
    const tokens = [];
    for await (const t of mintPlaybackTokens(privateKey, { channelArn: ARN, ttlMs: 60_000, singleUse: true }, 3, NOW)) tokens.push(t);
    expect(tokens).toHaveLength(3);
    for (const { token, claims } of tokens) {
      const { payload, protectedHeader } = await compactVerify(token, publicKey);
      expect(protectedHeader).toEqual({ alg: "ES384", typ: "JWT" });
      expect(JSON.parse(new TextDecoder().decode(payload))).toEqual(claims);
    }
  });
});

describe("token decode", () => {
  test("kind: playback by aws:channel-arn, participant by stage resource or capabilities", () => {
    expect(kindOf({ "aws:channel-arn": ARN })).toBe("playback");
    expect(kindOf({ resource: "arn:aws:ivs:us-east-1:123456789012:stage/AbCdEf012345" })).toBe("participant");
    expect(kindOf({ capabilities: { allow_publish: true } })).toBe("participant");
    expect(kindOf({ sub: "x" })).toBe("unknown");
  });

  test("malformed input is exit 2", () => {
    expect(usage(() => decodeJwt("a.b"))).toBe("not a JWT: expected three base64url parts separated by dots");
    expect(usage(() => decodeJwt("e30.bm90IGpzb24.sig"))).toBe("not a JWT: the payload is not base64url-encoded JSON");
    expect(usage(() => decodeJwt("https://x/a.m3u8"))).toBe("the URL has no ?token= parameter");
  });

  test("readable times: ISO and relative to the injected now", () => {
    const t = readableTimes({ exp: Math.floor(NOW / 1000) + 90, iat: Math.floor(NOW / 1000) - 7200 }, NOW);
    expect(t.exp).toEqual({ epochSeconds: Math.floor(NOW / 1000) + 90, time: "2025-01-01T12:01:30Z", relative: "in 2m" });
    expect(t.iat!.relative).toBe("2h ago");
  });

  test("a secret may hold the PEM itself or a JSON document with it", () => {
    expect(pemFromSecretString("  -----BEGIN PRIVATE KEY-----\nx\n-----END PRIVATE KEY-----\n")).toStartWith("-----BEGIN PRIVATE KEY-----");
    expect(pemFromSecretString(JSON.stringify({ privateKey: "PEM" }))).toBe("PEM");
    expect(pemFromSecretString(JSON.stringify({ privateKeyPem: "PEM2" }))).toBe("PEM2");
  });
});
