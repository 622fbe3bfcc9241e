/**
 * Secret redaction for everything ivsctl prints. It works on values, not on call sites, so a
 * secret cannot slip out through a field someone forgot to mark.
 */

// IVS stream keys look like sk_us-west-2_AbCdEf0123456789 (region, then the secret part).
const STREAM_KEY = /\bsk_([a-z]{2}(?:-[a-z]+)+-\d)_([A-Za-z0-9]+)/g;
const PRIVATE_KEY_PEM = /-----BEGIN [A-Z ]*PRIVATE KEY-----[\s\S]*?-----END [A-Z ]*PRIVATE KEY-----/g;
/** Fields whose whole value is secret. */
const SECRET_FIELDS = new Set(["passphrase", "privateKey", "privateKeyPem", "SecretString", "secretString"]);

export function redactStreamKey(key: string): string {
  return key.replace(STREAM_KEY, (_m, region: string, secret: string) => `sk_${region}_****${secret.slice(-4)}`);
}

// Any RTMP(S) URL's stream name (third-party servers' keys have no fixed form): the last path
// segment after at least one application segment, rtmp[s]://host/app[/more]/<key>.
const RTMP_URL_KEY = /\b(rtmps?:\/\/[^\s/]+\/(?:[^\s/]+\/)+)([^\s/?*'":]{5,})(?=[\s?'":]|$)/g;

export function redactString(s: string): string {
  return redactStreamKey(s)
    .replace(RTMP_URL_KEY, (_m, base: string, key: string) => `${base}****${key.slice(-4)}`)
    .replace(PRIVATE_KEY_PEM, "-----PRIVATE KEY REDACTED-----")
    .replace(/([?&]passphrase=)[^&\s]+/g, "$1****");
}

export function redactSecrets<T>(value: T): T {
  return walk(value) as T;
}

function walk(value: unknown, key?: string): unknown {
  if (typeof value === "string") {
    if (key && SECRET_FIELDS.has(key) && value.length > 0) return "****";
    return redactString(value);
  }
  if (Array.isArray(value)) return value.map((v) => walk(v));
  if (value && typeof value === "object" && !(value instanceof Date)) {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[k] = walk(v, k);
    return out;
  }
  return value;
}
