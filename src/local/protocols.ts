/**
 * Wire formats of the emulated services: how a request is read and how a result or an error is
 * written, for REST-JSON (IVS), JSON 1.1 (ECS, Secrets Manager) and query/XML (CloudFormation).
 */
import { ServiceError } from "./errors.ts";

const json = (status: number, body: unknown, contentType: string, requestId: string, extra: Record<string, string> = {}) =>
  new Response(body === undefined ? null : JSON.stringify(body), {
    status,
    headers: { "content-type": contentType, "x-amzn-requestid": requestId, ...extra },
  });

export function restJsonResult(body: unknown, requestId: string, status = 200): Response {
  return status === 204 ? new Response(null, { status, headers: { "x-amzn-requestid": requestId } }) : json(status, body ?? {}, "application/json", requestId);
}

export function restJsonError(e: ServiceError, requestId: string): Response {
  // IVS error shapes carry `exceptionMessage`; the SDKs also read `message`.
  return json(e.status, { exceptionMessage: e.message, message: e.message }, "application/json", requestId, { "x-amzn-errortype": e.code });
}

export function json11Result(body: unknown, requestId: string): Response {
  return json(200, body ?? {}, "application/x-amz-json-1.1", requestId);
}

export function json11Error(e: ServiceError, requestId: string, namespace: string): Response {
  return json(e.status, { __type: `${namespace}#${e.code}`, message: e.message }, "application/x-amz-json-1.1", requestId);
}

/** Form body of the query protocol -> nested input (`A.member.1` lists, `A.entry.1.key` maps are flattened to arrays/objects). */
export function parseQueryInput(form: URLSearchParams): { action: string; input: Record<string, unknown> } {
  const input: Record<string, unknown> = {};
  for (const [key, value] of form) {
    if (key === "Action" || key === "Version") continue;
    const list = /^(\w+)\.member\.(\d+)$/.exec(key);
    if (list) {
      const arr = (input[list[1]!] as string[] | undefined) ?? [];
      arr[Number(list[2]) - 1] = value;
      input[list[1]!] = arr;
    } else input[key] = value;
  }
  return { action: form.get("Action") ?? "", input };
}

const XMLNS = "http://cloudformation.amazonaws.com/doc/2010-05-15/";

const escapeXml = (s: string) => s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");

function toXml(value: unknown): string {
  if (value === undefined || value === null) return "";
  if (Array.isArray(value)) return value.map((v) => `<member>${toXml(v)}</member>`).join("");
  if (value instanceof Date) return value.toISOString();
  if (typeof value === "object") {
    return Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined && v !== null)
      .map(([k, v]) => `<${k}>${toXml(v)}</${k}>`)
      .join("");
  }
  return escapeXml(String(value));
}

export function queryResult(action: string, body: unknown, requestId: string): Response {
  const xml = `<?xml version="1.0" encoding="UTF-8"?>\n<${action}Response xmlns="${XMLNS}"><${action}Result>${toXml(body)}</${action}Result><ResponseMetadata><RequestId>${requestId}</RequestId></ResponseMetadata></${action}Response>`;
  return new Response(xml, { status: 200, headers: { "content-type": "text/xml", "x-amzn-requestid": requestId } });
}

export function queryError(e: ServiceError, requestId: string): Response {
  const type = e.status >= 500 ? "Receiver" : "Sender";
  const xml = `<?xml version="1.0" encoding="UTF-8"?>\n<ErrorResponse xmlns="${XMLNS}"><Error><Type>${type}</Type><Code>${escapeXml(e.code)}</Code><Message>${escapeXml(e.message)}</Message></Error><RequestId>${requestId}</RequestId></ErrorResponse>`;
  return new Response(xml, { status: e.status, headers: { "content-type": "text/xml", "x-amzn-requestid": requestId } });
}
