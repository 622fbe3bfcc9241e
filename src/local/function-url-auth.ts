/**
 * IAM authorization of Lambda function URLs (AuthType AWS_IAM) in the emulator: a request must carry
 * a SigV4 signature for service `lambda` in the function's region. The emulator re-signs the request
 * with `@smithy/signature-v4` from the request's own scope, X-Amz-Date and signed headers (the body
 * hash included), with the secret it documents (IVSCTL_LOCAL_SECRET_ACCESS_KEY, default `test`), and
 * compares. Any access key id is accepted: there is no IAM here, only "was this signed with the secret".
 *
 * Sources: AWS docs "Control access to Lambda function URLs" (urls-auth: AWS_IAM needs a SigV4
 * signature, service name `lambda`; a refused call is HTTP 403) and "Signature Version 4 signing
 * process" (scope `<date>/<region>/<service>/aws4_request`, the date must match X-Amz-Date, and a
 * request more than 15 minutes from the server's clock is refused).
 */
import { timingSafeEqual } from "node:crypto";
import { SignatureV4 } from "@smithy/signature-v4";
import { Sha256 } from "../contract/sha256.ts";

export interface AuthResult {
  ok: boolean;
  /** Why it was refused (for the 403 body). */
  reason?: string;
  accessKeyId?: string;
}

const AUTH = /^AWS4-HMAC-SHA256 Credential=([^/,\s]+)\/(\d{8})\/([a-z0-9-]+)\/([a-z0-9-]+)\/aws4_request,\s*SignedHeaders=([a-z0-9;_.-]+),\s*Signature=([0-9a-f]{64})$/;
const MAX_SKEW_MS = 15 * 60_000;

function parseAmzDate(v: string): Date | undefined {
  const m = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(v);
  return m ? new Date(Date.UTC(+m[1]!, +m[2]! - 1, +m[3]!, +m[4]!, +m[5]!, +m[6]!)) : undefined;
}

/**
 * Verify a function-URL request. `body` is the raw body the client sent (the signature covers its hash).
 * `region` is the function's region: a signature scoped to another region or service is refused.
 */
export async function verifyFunctionUrlRequest(req: Request, url: URL, body: Uint8Array, o: { region: string; secretAccessKey: string; now: Date }): Promise<AuthResult> {
  const header = req.headers.get("authorization");
  if (!header) return { ok: false, reason: "Missing Authentication Token" };
  const m = AUTH.exec(header.trim());
  if (!m) return { ok: false, reason: "Authorization header is not an AWS4-HMAC-SHA256 signature" };
  const [, accessKeyId, scopeDate, region, service, signedList, signature] = m as unknown as string[];
  if (service !== "lambda") return { ok: false, reason: `Credential should be scoped to correct service: 'lambda' (got '${service}')` };
  if (region !== o.region) return { ok: false, reason: `Credential should be scoped to a valid region: '${o.region}' (got '${region}')` };
  const amzDate = req.headers.get("x-amz-date");
  const date = amzDate ? parseAmzDate(amzDate) : undefined;
  if (!date) return { ok: false, reason: "X-Amz-Date is missing or malformed" };
  if (amzDate!.slice(0, 8) !== scopeDate) return { ok: false, reason: `Credential should be scoped to a valid date: '${amzDate!.slice(0, 8)}'` };
  if (Math.abs(o.now.getTime() - date.getTime()) > MAX_SKEW_MS) return { ok: false, reason: "Signature expired: the request time is more than 15 minutes from the server time" };
  const signedHeaders = signedList!.split(";");
  if (!signedHeaders.includes("host")) return { ok: false, reason: "the host header must be signed" };
  const headers: Record<string, string> = {};
  for (const h of signedHeaders) {
    const v = req.headers.get(h);
    if (v === null) return { ok: false, reason: `signed header ${h} is missing` };
    headers[h] = v;
  }
  // A signed payload hash must be the body's: otherwise the signature would cover a body never sent.
  const declared = headers["x-amz-content-sha256"];
  if (declared && declared !== "UNSIGNED-PAYLOAD") {
    const h = new Sha256();
    h.update(body);
    if (Buffer.from(await h.digest()).toString("hex") !== declared) return { ok: false, reason: "x-amz-content-sha256 does not match the body" };
  }
  const query: Record<string, string | string[]> = {};
  for (const k of new Set(url.searchParams.keys())) {
    const all = url.searchParams.getAll(k);
    query[k] = all.length === 1 ? all[0]! : all;
  }
  const signer = new SignatureV4({ service: "lambda", region, credentials: { accessKeyId: accessKeyId!, secretAccessKey: o.secretAccessKey }, sha256: Sha256, uriEscapePath: true, applyChecksum: false });
  const signed = await signer.sign(
    { method: req.method, protocol: url.protocol, hostname: url.hostname, port: url.port ? Number(url.port) : undefined, path: url.pathname, query, headers, body: body.byteLength ? body : undefined },
    { signingDate: date, signingRegion: region, signingService: "lambda", signableHeaders: new Set(signedHeaders) },
  );
  const expected = /Signature=([0-9a-f]{64})/.exec(String(signed.headers.authorization ?? signed.headers.Authorization ?? ""))?.[1] ?? "";
  const expectedHeaders = /SignedHeaders=([^,]+)/.exec(String(signed.headers.authorization ?? ""))?.[1];
  if (expectedHeaders !== signedList) return { ok: false, reason: "The request signature we calculated does not match the signature you provided (signed headers differ)" };
  const ok = expected.length === 64 && timingSafeEqual(Buffer.from(expected), Buffer.from(signature!));
  return ok ? { ok: true, accessKeyId } : { ok: false, reason: "The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method." };
}
