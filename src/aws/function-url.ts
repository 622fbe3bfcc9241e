/**
 * Calling Lambda function URLs the way the IVS VP sample's own scripts do (`scripts/utils.ts`,
 * contract section 1): SigV4 from `@smithy/signature-v4`, service `lambda`, region from the
 * `<id>.lambda-url.<region>.on.aws` host (else the configured region), headers `host` and
 * `content-type: application/json` signed with the body's hash, credentials from the normal chain.
 * The URLs use AuthType AWS_IAM, so the caller needs `lambda:InvokeFunctionUrl`, and for URLs created
 * from October 2025 also `lambda:InvokeFunction` (AWS docs, urls-auth).
 *
 * A URL is used as given: https in AWS; plain http only on loopback (the emulator), never elsewhere,
 * so a signed request never crosses a network in the clear.
 * The unauthenticated API Gateway routes of `PUBLIC_API=true` stacks go through the same function,
 * unsigned (`signed: false`).
 */
import { SignatureV4 } from "@smithy/signature-v4";
import type { AwsCredentialIdentity } from "@smithy/types";
import { CliError, configError, notFoundError, stateError, toCliError, usageError } from "../cli/errors.ts";
import { ExitCode } from "../cli/exit-codes.ts";
import { Sha256 } from "../contract/sha256.ts";
import type { AwsClients } from "./clients.ts";

export interface FunctionUrlCall {
  method: "GET" | "POST";
  /** JSON body; undefined sends none (the sample's createStage script sends none). */
  body?: unknown;
  /** Sign with SigV4 (default). `false` for the PUBLIC_API routes, which have no authorizer. */
  signed?: boolean;
  /** What is being done, for error lines ("inviting a VP to stage X"). */
  action?: string;
}

export type CredentialSource = AwsCredentialIdentity | (() => Promise<AwsCredentialIdentity>);

export interface FunctionUrlOptions {
  credentials?: CredentialSource;
  /** The configured region: used when the host is not `<id>.lambda-url.<region>.on.aws`. */
  region?: string;
  timeoutMs?: number;
  fetch?: (input: string, init: RequestInit) => Promise<Response>;
  /** --debug: one line per call (method, path, status, time); never headers or bodies. */
  debug?: (line: string) => void;
}

/** Calls one URL; the value is the parsed JSON body, or the raw text when it is not JSON (RotateKeyPair's bare ARN). */
export type FunctionUrlInvoker = (url: string, call: FunctionUrlCall) => Promise<unknown>;

/** A failed call: the HTTP status, the sample's error `name` (when the body has one) and the body. */
export class FunctionUrlError extends CliError {
  constructor(
    message: string,
    opts: { exitCode: ExitCode; code: string; hint?: string },
    readonly status: number,
    readonly body: unknown,
  ) {
    super(message, opts);
  }
}

const LAMBDA_URL_HOST = /^[a-z0-9]+\.lambda-url\.([a-z0-9-]+)\.on\.aws$/;

function isLoopback(hostname: string): boolean {
  const h = hostname.replace(/^\[|\]$/g, "");
  return h === "localhost" || h === "::1" || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(h);
}

/** Parse and check a URL from stack outputs: https, or http on loopback only. */
export function checkInvokeUrl(url: string): URL {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    throw configError(`not a URL: "${url}"`, "check the stack's outputs (`ivsctl stack outputs`)");
  }
  if (u.protocol === "https:") return u;
  if (u.protocol === "http:" && isLoopback(u.hostname)) return u;
  throw configError(`refusing to call ${u.origin}: function URLs must be https (plain http only on loopback)`, "check the stack's outputs (`ivsctl stack outputs`)");
}

/** The signing region: `<region>` of `<id>.lambda-url.<region>.on.aws`, else the configured one. */
export function functionUrlRegion(url: URL, configured?: string): string | undefined {
  return LAMBDA_URL_HOST.exec(url.hostname)?.[1] ?? configured;
}

/** Sign (when asked) and send one request; errors become CliErrors per issue 10 (see `functionUrlError`). */
export async function invokeFunctionUrl(url: string, call: FunctionUrlCall, o: FunctionUrlOptions = {}): Promise<unknown> {
  const u = checkInvokeUrl(url);
  const action = call.action ?? `calling ${u.origin}${u.pathname}`;
  const body = call.body === undefined ? undefined : JSON.stringify(call.body);
  let headers: Record<string, string> = { "content-type": "application/json" };
  if (call.signed !== false) {
    const region = functionUrlRegion(u, o.region);
    if (!region) throw configError(`${action}: no AWS region to sign the request for ${u.host}`, "pass --region or set AWS_REGION");
    if (!o.credentials) throw configError(`${action}: no AWS credentials to sign the request`, "run `aws configure` / `aws sso login`, or use --local for the emulator");
    const signer = new SignatureV4({ service: "lambda", region, credentials: o.credentials, sha256: Sha256, applyChecksum: true, uriEscapePath: true });
    const query: Record<string, string> = {};
    for (const [k, v] of u.searchParams) query[k] = v;
    let signed;
    try {
      signed = await signer.sign({
        method: call.method,
        protocol: u.protocol,
        hostname: u.hostname,
        port: u.port ? Number(u.port) : undefined,
        path: u.pathname,
        query,
        headers: { host: u.host, "content-type": "application/json" },
        body,
      });
    } catch (e) {
      throw toCliError(e, action);
    }
    headers = signed.headers as Record<string, string>;
  }
  const doFetch = o.fetch ?? ((i: string, init: RequestInit) => fetch(i, init));
  let res: Response;
  const started = performance.now();
  try {
    res = await doFetch(u.toString(), { method: call.method, headers, body, signal: AbortSignal.timeout(o.timeoutMs ?? 30_000) });
  } catch (e) {
    o.debug?.(`function URL ${call.method} ${u.host}${u.pathname} failed in ${(performance.now() - started).toFixed(0)} ms: ${(e as Error).name}`);
    throw toCliError(e, action);
  }
  o.debug?.(`function URL ${call.method} ${u.host}${u.pathname} -> ${res.status} in ${(performance.now() - started).toFixed(0)} ms`);
  const text = await res.text();
  let parsed: unknown = text;
  try {
    parsed = text ? JSON.parse(text) : undefined;
  } catch {
    // not JSON: RotateKeyPair answers the bare ARN
  }
  if (res.status >= 200 && res.status < 300) return parsed;
  throw functionUrlError(res.status, parsed, action, call.signed !== false);
}

/** The sample's named errors (contract section 1) and what each means for the CLI. */
const NAMED: Record<string, (msg: string) => CliError> = {
  VpNotAvailableException: (m) => stateError(m, "VpNotAvailableException", "the warm pool is empty or still starting: retry in a minute, and see `ivsctl vp list`"),
  VpAlreadyAssignedException: (m) => stateError(m, "VpAlreadyAssignedException", "the stage already has a virtual participant (or another invite won the race): `ivsctl vp kick` it first"),
  StageNotFoundException: (m) => new CliError(m, { exitCode: ExitCode.NotFound, code: "StageNotFoundException", hint: "the stage is not in this stack's Stages table: it was not created through this stack" }),
  VpNotFoundException: (m) => new CliError(m, { exitCode: ExitCode.NotFound, code: "VpNotFoundException", hint: "no virtual participant is assigned to this stage" }),
  BucketNameMissingException: (m) => configError(m, "the stack has no video-assets bucket: invite without --asset"),
};

/** Map a failed function-URL response to a CliError (kept as a FunctionUrlError with the status and body). */
export function functionUrlError(status: number, body: unknown, action: string, signed = true): FunctionUrlError {
  const b = (body && typeof body === "object" ? body : {}) as { name?: string; message?: string; Message?: string; cause?: { message?: string } };
  const message = b.message ?? b.Message ?? (typeof body === "string" && body ? body : `HTTP ${status}`);
  const detail = `${action}: ${message}${b.cause?.message ? ` (${b.cause.message})` : ""}`;
  let base: CliError;
  if (status === 403) {
    base = configError(
      `${action}: access denied (HTTP 403: ${message})`,
      signed
        ? "the caller needs lambda:InvokeFunctionUrl and lambda:InvokeFunction on the stack's functions; check the credentials, profile and region"
        : "the API refused the call",
    );
  } else if (b.name && NAMED[b.name]) base = NAMED[b.name]!(detail);
  else if (status === 429 || status === 503 || status === 504) base = new CliError(detail, { exitCode: ExitCode.Throttled, code: `Http${status}`, hint: "retry later" });
  else if (status === 404) base = notFoundError(detail);
  else if (status === 409) base = stateError(detail, b.name ?? "Conflict");
  else if (status === 400) base = usageError(detail);
  else base = new CliError(detail, { exitCode: ExitCode.Internal, code: b.name ?? `Http${status}` });
  return new FunctionUrlError(base.message, { exitCode: base.exitCode, code: base.code, hint: base.hint }, status, body);
}

/**
 * An invoker bound to ivsctl's AWS settings: the region it is configured for, and credentials from
 * the normal chain (the SDK's own resolution, as for every other call: env, profile, SSO, IMDS), or
 * the emulator's in local mode.
 */
export function functionUrlInvoker(aws: AwsClients, log?: { debug(message: string): void }): FunctionUrlInvoker {
  const s = aws.settings;
  let provider: (() => Promise<AwsCredentialIdentity>) | undefined;
  const credentials = async (): Promise<AwsCredentialIdentity> => {
    if (s.credentials) return s.credentials;
    if (!provider) {
      // The resolved config of an SDK client holds the default chain's provider, with --profile applied.
      const client = await aws.cloudformation();
      provider = (client.config as unknown as { credentials: () => Promise<AwsCredentialIdentity> }).credentials;
    }
    try {
      return await provider();
    } catch (e) {
      throw toCliError(e, "loading AWS credentials");
    }
  };
  return (url, call) => invokeFunctionUrl(url, call, { credentials, region: s.region, timeoutMs: s.requestTimeoutMs, debug: log ? (l) => log.debug(l) : undefined });
}
