/**
 * Secret redaction for everything ivsctl prints. It works on values, not on call sites, so a
 * secret cannot slip out through a field someone forgot to mark.
 *
 * Keys are recognised by their structure, never by a list of regions:
 * - IVS stream keys: `sk_<region>_<key id>_<secret>`, the key id being the stream-key ARN's id
 *   (AWS CLI examples, ivs/get-stream-key.rst: `sk_us-west-2_abcdABCDefgh_567890abcdef`).
 * - Stage ingest-configuration keys: `rt_<account>_<region>_<id>_<secret>` (IVS real-time API
 *   reference, IngestConfiguration.streamKey pattern `rt_[0-9]+_[a-z0-9-]+_[a-zA-Z0-9-]+_.+`;
 *   AWS CLI example `rt_123456789012_us-west-2_AbCdEfGh1234_abcd1234efgh5678ijkl9012MNOP34`).
 * Everything after the id is masked but its last 4 characters (none when the secret is short).
 * - RTMP(S) URLs: the whole stream name (everything after the application segment, whatever
 *   characters it holds) is masked, except that an IVS key there keeps its structural form.
 * - SRT URLs: the `streamid=` and `passphrase=` values.
 *
 * Redaction is idempotent: already-redacted text passes through unchanged, because messages are
 * often built from redacted parts and then redacted again on the way out.
 */

const MASK = "****";
/** A secret shorter than this shows no tail at all. */
const MIN_SECRET_WITH_TAIL = 12;

/** Characters that end a bare key in running text (quotes, URL delimiters, brackets, whitespace). */
const KEY_END = `\\s"'\`&?#/\\\\,;<>()\\[\\]{}`;
const SECRET = `[^${KEY_END}]+`;
/** Region-like part: letters, digits and hyphens, ending with a digit (us-east-10 included). */
const REGION = "[A-Za-z0-9-]*\\d";
const ID = "[A-Za-z0-9-]+";

const SK_SRC = `\\bsk_(${REGION})_(?:(${ID})_)?(${SECRET})`;
const RT_SRC = `\\brt_(\\d+)_(${REGION})_(?:(${ID})_)?(${SECRET})`;
const RTMP_SRC = `\\b(rtmps?:\\/\\/[^\\s/]+\\/[^\\s/]+\\/)(\\S+)`;
const SRT_SRC = `\\b(srt:\\/\\/[^\\s?]*\\?)(\\S+)`;

/** One pass over the text: URLs first (alternation order), then bare keys. */
const ANY = new RegExp(`${RTMP_SRC}|${SRT_SRC}|${SK_SRC}|${RT_SRC}`, "gi");
const SK_WHOLE = new RegExp(`^${SK_SRC}$`, "i");
const RT_WHOLE = new RegExp(`^${RT_SRC}$`, "i");
const PRIVATE_KEY_PEM = /-----BEGIN [A-Z ]*PRIVATE KEY-----[\s\S]*?-----END [A-Z ]*PRIVATE KEY-----/g;
const PASSPHRASE_PARAM = /([?&]passphrase=)[^&\s]+/gi;
/** Fields whose whole value is secret. */
const SECRET_FIELDS = new Set(["passphrase", "privateKey", "privateKeyPem", "SecretString", "secretString"]);

const ALREADY_MASKED = /^\*{4}[^*]{0,4}$/;

function maskSecret(secret: string): string {
  if (ALREADY_MASKED.test(secret)) return secret;
  return secret.length >= MIN_SECRET_WITH_TAIL ? `${MASK}${secret.slice(-4)}` : MASK;
}

function skKey(region: string, id: string | undefined, secret: string): string {
  return `sk_${region}_${id ? `${id}_` : ""}${maskSecret(secret)}`;
}

function rtKey(account: string, region: string, id: string | undefined, secret: string): string {
  return `rt_${account}_${region}_${id ? `${id}_` : ""}${maskSecret(secret)}`;
}

/** A stream name as a whole: an IVS key keeps its structure; anything else is masked entirely. */
function maskStreamName(name: string): string {
  if (name === MASK) return name;
  const sk = SK_WHOLE.exec(name);
  if (sk) return skKey(sk[1]!, sk[2], sk[3]!);
  const rt = RT_WHOLE.exec(name);
  if (rt) return rtKey(rt[1]!, rt[2]!, rt[3], rt[4]!);
  return MASK;
}

function maskSrtQuery(query: string): string {
  return query
    .split("&")
    .map((param) => {
      const eq = param.indexOf("=");
      const name = eq < 0 ? param : param.slice(0, eq).toLowerCase();
      if (name === "passphrase") return `${param.slice(0, eq + 1)}${MASK}`;
      if (name === "streamid") {
        let value = param.slice(eq + 1);
        try {
          value = decodeURIComponent(value);
        } catch {
          // keep it as written
        }
        return `${param.slice(0, eq + 1)}${maskStreamName(value)}`;
      }
      return param;
    })
    .join("&");
}

/** Values that the program knows are secret but that have no recognisable shape (a third-party key). */
const known = new Set<string>();
const MIN_KNOWN = 6;

/**
 * Tell the redactor about a secret it cannot recognise by shape, such as the stream name of a
 * third-party RTMP server: from then on it is masked wherever it appears.
 */
export function registerSecret(value: string | undefined): void {
  if (value && value.length >= MIN_KNOWN && !value.includes(MASK)) known.add(value);
}

/**
 * Register the stream name of an RTMP(S) URL that ivsctl is about to publish to. ffmpeg takes the
 * first path segment as the application and the rest as the stream name; with a single segment
 * and no trailing slash, that segment is the stream name (and the application is empty).
 */
export function registerStreamUrl(url: string): void {
  const m = /^rtmps?:\/\/[^/\s]+\/(.*)$/i.exec(url);
  if (!m) return;
  const path = m[1]!;
  const slash = path.indexOf("/");
  registerSecret(slash < 0 ? path : path.slice(slash + 1));
}

export function redactStreamKey(key: string): string {
  return redactString(key);
}

/**
 * A URL quoted in a message, `"rtmp://h/app/KEY")`: the stream name runs to the next space, so it
 * swallows the closing quote; give that back (the quote that opened the URL, then punctuation).
 */
function splitClosingQuote(name: string, before: string | undefined): [string, string] {
  if (before !== '"' && before !== "'") return [name, ""];
  const m = new RegExp(`${before}[)\\],.;:]*$`).exec(name);
  return m && m.index > 0 ? [name.slice(0, m.index), m[0]] : [name, ""];
}

export function redactString(s: string): string {
  let out = s.replace(ANY, (...m: any[]) => {
    const [whole, rtmpBase, rtmpName, srtBase, srtQuery, skRegion, skId, skSecret, rtAccount, rtRegion, rtId, rtSecret, offset] = m as [string, ...(string | undefined)[]];
    if (rtmpBase !== undefined) {
      const [name, closing] = splitClosingQuote(rtmpName!, s[Number(offset) - 1]);
      return `${rtmpBase}${maskStreamName(name)}${closing}`;
    }
    if (srtBase !== undefined) return `${srtBase}${maskSrtQuery(srtQuery!)}`;
    if (skRegion !== undefined) return skKey(skRegion, skId, skSecret!);
    if (rtAccount !== undefined) return rtKey(rtAccount, rtRegion!, rtId, rtSecret!);
    return whole!;
  });
  out = out.replace(PRIVATE_KEY_PEM, "-----PRIVATE KEY REDACTED-----").replace(PASSPHRASE_PARAM, `$1${MASK}`);
  for (const secret of known) if (out.includes(secret)) out = out.split(secret).join(MASK);
  return out;
}

export function redactSecrets<T>(value: T): T {
  return walk(value) as T;
}

function walk(value: unknown, key?: string): unknown {
  if (typeof value === "string") {
    if (key && SECRET_FIELDS.has(key) && value.length > 0) return MASK;
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
