/**
 * Requests the emulator refuses before routing, because a browser or a rebound DNS name sent them
 * (issue 12, Security 2). The emulator listens on loopback only, but a web page can still make the
 * browser send requests to it:
 * - a cross-origin request carries an `Origin` header (browsers send it on every request other than
 *   GET/HEAD, per the Fetch standard): only loopback origins are accepted;
 * - DNS rebinding makes a page's own name resolve to 127.0.0.1, so the request is "same-origin" but its
 *   `Host` is that name: only loopback names are accepted (localhost, 127.0.0.0/8, [::1], any port);
 * - a "simple" cross-origin request (no preflight) can only carry text/plain, form or multipart bodies:
 *   the JSON protocols accept only the content types AWS's SDKs send (application/json for REST-JSON,
 *   application/x-amz-json-1.0/1.1 for JSON 1.0/1.1). The query protocol keeps its form encoding and
 *   relies on the two checks above, as do the emulator's own /_ivsctl routes (scripts post JSON there
 *   without a content type; a browser's cross-site POST always carries an Origin).
 * Non-browser clients (SDKs, the AWS CLI, curl) send no Origin and a loopback Host, and pass.
 */

export type Protocol = "rest-json" | "json" | "query" | "internal";

const LOOPBACK_NAME = /^(localhost|127(?:\.(?:25[0-5]|2[0-4]\d|1?\d?\d)){3}|\[::1\])$/i;

/** `host[:port]` -> whether the host part is a loopback name. */
export function isLoopbackHost(hostHeader: string): boolean {
  const m = /^(\[[^\]]*\]|[^:]*)(?::(\d{1,5}))?$/.exec(hostHeader.trim());
  if (!m) return false;
  if (m[2] !== undefined && Number(m[2]) > 65535) return false;
  return LOOPBACK_NAME.test(m[1]!);
}

/** An Origin header value (`scheme://host[:port]`, or "null") -> whether it is a loopback origin. */
export function isLoopbackOrigin(origin: string): boolean {
  let url: URL;
  try {
    url = new URL(origin);
  } catch {
    return false; // "null" (sandboxed frames, file:) and anything malformed
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") return false;
  return isLoopbackHost(url.host);
}

const AWS_JSON_TYPES: Record<"rest-json" | "json", string[]> = {
  "rest-json": ["application/json", "application/x-amz-json-1.1", "application/x-amz-json-1.0"],
  json: ["application/x-amz-json-1.1", "application/x-amz-json-1.0"],
};

function mediaType(contentType: string): string {
  return contentType.split(";")[0]!.trim().toLowerCase();
}

/** Why a request must be refused (a sentence), or undefined when it may go on. */
export function refusal(headers: Headers, protocol: Protocol, hasBody: boolean): string | undefined {
  const host = headers.get("host");
  if (host !== null && !isLoopbackHost(host)) return `Host ${JSON.stringify(host)} is not a loopback name: ivsctl local answers only localhost, 127.0.0.0/8 and [::1]`;
  const origin = headers.get("origin");
  if (origin !== null && !isLoopbackOrigin(origin)) return `Origin ${JSON.stringify(origin)} is not a loopback origin: ivsctl local refuses browser requests from other sites`;
  if (protocol === "rest-json" || protocol === "json") {
    const type = headers.get("content-type");
    if (type === null ? hasBody : !AWS_JSON_TYPES[protocol].includes(mediaType(type))) {
      return `Content-Type ${JSON.stringify(type ?? "")} is not one AWS's ${protocol === "json" ? "JSON 1.1" : "REST-JSON"} protocol uses (${AWS_JSON_TYPES[protocol].join(", ")})`;
    }
  }
  return undefined;
}
