import { ExitCode } from "./exit-codes.ts";
import { escapeControls } from "./sanitize.ts";

/**
 * The one error type the CLI reports. Everything thrown from a command is turned into this
 * (see toCliError) so that every failure prints one line and exits with a documented code.
 */
export class CliError extends Error {
  readonly exitCode: ExitCode;
  /** The AWS error code (e.g. ResourceNotFoundException), or our own short code. */
  readonly code: string;
  readonly hint?: string;

  constructor(message: string, opts: { exitCode: ExitCode; code: string; hint?: string; cause?: unknown }) {
    // Messages echo input (names, ARNs, server text): escaped here, once, so an error stays one line
    // and no control sequence reaches the terminal (src/cli/sanitize.ts).
    super(escapeControls(message), { cause: opts.cause });
    this.name = "CliError";
    this.exitCode = opts.exitCode;
    this.code = escapeControls(opts.code);
    this.hint = opts.hint === undefined ? undefined : escapeControls(opts.hint);
  }
}

/** Invalid input found before any AWS call: exit 2. */
export function usageError(message: string, hint?: string): CliError {
  return new CliError(message, { exitCode: ExitCode.Usage, code: "InvalidInput", hint });
}

export function configError(message: string, hint?: string): CliError {
  return new CliError(message, { exitCode: ExitCode.Config, code: "Configuration", hint });
}

export function notFoundError(message: string, hint?: string): CliError {
  return new CliError(message, { exitCode: ExitCode.NotFound, code: "ResourceNotFoundException", hint });
}

export function stateError(message: string, code = "Conflict", hint?: string): CliError {
  return new CliError(message, { exitCode: ExitCode.State, code, hint });
}

/** AWS error names (SDK `name` / wire `__type`) and the exit code each means. */
const AWS_CODE_EXIT: Record<string, ExitCode> = {
  ValidationException: ExitCode.Usage,
  ValidationError: ExitCode.Usage,
  InvalidParameterException: ExitCode.Usage,
  InvalidParameterValue: ExitCode.Usage,
  InvalidRequestException: ExitCode.Usage,
  AccessDeniedException: ExitCode.Config,
  AccessDenied: ExitCode.Config,
  UnrecognizedClientException: ExitCode.Config,
  InvalidClientTokenId: ExitCode.Config,
  InvalidSignatureException: ExitCode.Config,
  SignatureDoesNotMatch: ExitCode.Config,
  ExpiredTokenException: ExitCode.Config,
  ExpiredToken: ExitCode.Config,
  CredentialsProviderError: ExitCode.Config,
  ClientException: ExitCode.Usage,
  ResourceNotFoundException: ExitCode.NotFound,
  ClusterNotFoundException: ExitCode.NotFound,
  NotFoundException: ExitCode.NotFound,
  ConflictException: ExitCode.State,
  ChannelNotBroadcasting: ExitCode.State,
  ServiceQuotaExceededException: ExitCode.State,
  PendingVerification: ExitCode.State,
  StreamUnavailable: ExitCode.State,
  ResourceExistsException: ExitCode.State,
  AlreadyExistsException: ExitCode.State,
  LimitExceededException: ExitCode.State,
  ThrottlingException: ExitCode.Throttled,
  Throttling: ExitCode.Throttled,
  TooManyRequestsException: ExitCode.Throttled,
  RequestTimeout: ExitCode.Throttled,
  TimeoutError: ExitCode.Throttled,
  RequestTimeoutError: ExitCode.Throttled,
  ServiceUnavailableException: ExitCode.Throttled,
  InternalServerException: ExitCode.Throttled,
  ServerException: ExitCode.Throttled,
};

const NETWORK_CODES = new Set(["ECONNREFUSED", "ECONNRESET", "ETIMEDOUT", "EPIPE", "ENOTFOUND", "EAI_AGAIN", "ConnectionRefused", "ConnectionClosed"]);

interface AwsLikeError {
  name?: string;
  code?: string;
  message?: string;
  $metadata?: { httpStatusCode?: number };
  $fault?: string;
}

/**
 * Map anything thrown to a CliError. `action` says what was being attempted, so the line reads
 * `error: <action>: <why> (<code>)`.
 */
export function toCliError(err: unknown, action?: string): CliError {
  if (err instanceof CliError) return err;
  const e = (err ?? {}) as AwsLikeError;
  const name = e.name ?? "Error";
  const message = cleanMessage(e.message ?? String(err));
  const prefix = action ? `${action}: ` : "";

  if (/Region is missing/i.test(message)) {
    return configError(`${prefix}no AWS region configured`, "pass --region, set AWS_REGION, or set a region in your profile");
  }
  if (name === "CredentialsProviderError" || /Could not load credentials/i.test(message)) {
    return configError(`${prefix}no AWS credentials found`, "run `aws configure` / `aws sso login`, or use --local for the emulator");
  }
  // CloudFormation reports a missing stack as a generic ValidationError.
  if (/Stack with id .* does not exist/.test(message)) {
    return new CliError(`${prefix}${message}`, { exitCode: ExitCode.Config, code: "StackNotFound", hint: "check --stack / IVSCTL_STACK and the region" });
  }
  const mapped = AWS_CODE_EXIT[name];
  if (mapped !== undefined) return new CliError(`${prefix}${message}`, { exitCode: mapped, code: name, cause: err });

  const status = e.$metadata?.httpStatusCode;
  if (status === 429) return new CliError(`${prefix}${message}`, { exitCode: ExitCode.Throttled, code: name, cause: err });
  if (status !== undefined && status >= 500) return new CliError(`${prefix}${message}`, { exitCode: ExitCode.Throttled, code: name, cause: err });
  if (status === 404) return new CliError(`${prefix}${message}`, { exitCode: ExitCode.NotFound, code: name, cause: err });
  if (status === 403) return new CliError(`${prefix}${message}`, { exitCode: ExitCode.Config, code: name, cause: err });
  if (status === 409) return new CliError(`${prefix}${message}`, { exitCode: ExitCode.State, code: name, cause: err });
  if (status === 400) return new CliError(`${prefix}${message}`, { exitCode: ExitCode.Usage, code: name, cause: err });

  const netCode = e.code ?? name;
  if (NETWORK_CODES.has(netCode) || /ECONNREFUSED|Unable to connect|socket connection was closed/i.test(message)) {
    return new CliError(`${prefix}cannot reach the AWS endpoint: ${message}`, {
      exitCode: ExitCode.Throttled,
      code: netCode,
      hint: "is the endpoint right? For the emulator, run `ivsctl local start --detach`",
      cause: err,
    });
  }
  return new CliError(`${prefix}${message}`, { exitCode: ExitCode.Internal, code: name, cause: err });
}

/** AWS messages sometimes span lines, and SDK internals prefix their own name; the error line stays one line. */
function cleanMessage(message: string): string {
  return (
    message
      .replace(/^@smithy\/[\w-]+ - \[\w+\] /, "")
      .replace(/\s*\n\s*/g, " ")
      .trim() || "unknown error"
  );
}

/**
 * Runs one AWS step; any failure becomes a CliError that says what was being done. It replaces
 * the `let x; try { x = await … } catch (e) { throw toCliError(e, …) }` shape.
 */
export async function doing<T>(what: string, step: () => Promise<T>): Promise<T> {
  try {
    return await step();
  } catch (e) {
    throw toCliError(e, what);
  }
}

/** A "does not exist" failure (AWS's or ours, exit 4): what `--if-exists` turns into success. */
export function isNotFound(err: unknown): boolean {
  return toCliError(err).exitCode === ExitCode.NotFound;
}
