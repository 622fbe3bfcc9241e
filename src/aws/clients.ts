import type { IvsClient } from "@aws-sdk/client-ivs";
import type { IVSRealTimeClient } from "@aws-sdk/client-ivs-realtime";
import type { ECSClient } from "@aws-sdk/client-ecs";
import type { CloudFormationClient } from "@aws-sdk/client-cloudformation";
import type { SecretsManagerClient } from "@aws-sdk/client-secrets-manager";
import type { SSMClient } from "@aws-sdk/client-ssm";
import type { S3Client } from "@aws-sdk/client-s3";
import { checkRegionEnv } from "./region.ts";
import type { Env } from "../cli/io.ts";
import type { Logger } from "../cli/log.ts";
import { MAX_TIMER_MS } from "../cli/duration.ts";
import { configError, type CliError } from "../cli/errors.ts";
import { readRuntime, runtimeFile } from "../cli/home.ts";

/** Where and as whom ivsctl talks to AWS, after flags, environment and local mode are applied. */
export interface AwsSettings {
  region?: string;
  profile?: string;
  /** Explicit endpoint for every service (--endpoint-url or local mode). Unset: the SDK's own resolution, AWS_ENDPOINT_URL* included. */
  endpoint?: string;
  /** Static credentials, only for local mode; otherwise the SDK's default chain (env, SSO, profiles, IMDS). */
  credentials?: { accessKeyId: string; secretAccessKey: string };
  maxAttempts: number;
  requestTimeoutMs: number;
  /** Where the endpoint came from, for --debug ("--endpoint-url", "IVSCTL_LOCAL_ENDPOINT", the runtime file…). */
  endpointSource?: string;
  /** Local mode with no endpoint known: the error every client creation raises (never a guessed port). */
  endpointMissing?: CliError;
  /** S3 behind an endpoint override (an emulator, moto): bucket in the path, not in the host name. */
  s3PathStyle?: boolean;
}

export const LOCAL_DEFAULT_REGION = "us-east-1";

/**
 * Settings from flags and environment. A malformed value (an endpoint that is not an http(s) URL
 * with a valid port, a timeout or attempt count that is not a whole number in range) is exit 3 here,
 * before any client exists. Local mode never guesses a port: with no --endpoint-url, no
 * IVSCTL_LOCAL_ENDPOINT and no live detached emulator, making a client is exit 3.
 */
export function resolveAwsSettings(
  flags: { region?: string; profile?: string; endpointUrl?: string; local: boolean },
  env: Env,
): AwsSettings {
  const maxAttempts = envInt(env, "AWS_MAX_ATTEMPTS", { min: 1, max: 20 }) ?? 5;
  const requestTimeoutMs = envInt(env, "IVSCTL_REQUEST_TIMEOUT_MS", { min: 1, max: MAX_TIMER_MS }) ?? 15_000;
  const region = flags.region || envRegion(env);
  const flagEndpoint = flags.endpointUrl ? checkEndpoint(flags.endpointUrl, "--endpoint-url") : undefined;
  if (flags.local) {
    const local = localEndpoint(flagEndpoint, env);
    return {
      region: region ?? LOCAL_DEFAULT_REGION,
      endpoint: local.endpoint,
      endpointSource: local.source,
      endpointMissing: local.missing,
      // The emulator verifies function-URL signatures against this secret (README: dummy credentials).
      credentials: { accessKeyId: "AKIDLOCAL", secretAccessKey: env.IVSCTL_LOCAL_SECRET_ACCESS_KEY || "test" },
      maxAttempts,
      requestTimeoutMs,
    };
  }
  const envEndpoint = ["AWS_ENDPOINT_URL_IVS", "AWS_ENDPOINT_URL"].find((n) => env[n]);
  const s3PathStyle = Boolean(flagEndpoint || env.AWS_ENDPOINT_URL_S3 || env.AWS_ENDPOINT_URL);
  return {
    region,
    profile: flags.profile || undefined,
    endpoint: flagEndpoint,
    endpointSource: flagEndpoint ? "--endpoint-url" : envEndpoint ? `${envEndpoint} (through the SDK)` : `AWS (the SDK's default for region ${region ?? "?"})`,
    maxAttempts,
    requestTimeoutMs,
    s3PathStyle,
  };
}

/** The environment's region, checked: a malformed one is exit 3 before any AWS call. */
function envRegion(env: Env): string | undefined {
  if (env.AWS_REGION) return checkRegionEnv("AWS_REGION", env.AWS_REGION);
  if (env.AWS_DEFAULT_REGION) return checkRegionEnv("AWS_DEFAULT_REGION", env.AWS_DEFAULT_REGION);
  return undefined;
}

function localEndpoint(flagEndpoint: string | undefined, env: Env): { endpoint?: string; source: string; missing?: CliError } {
  if (flagEndpoint) return { endpoint: flagEndpoint, source: "--endpoint-url" };
  if (env.IVSCTL_LOCAL_ENDPOINT !== undefined && env.IVSCTL_LOCAL_ENDPOINT !== "") {
    return { endpoint: checkEndpoint(env.IVSCTL_LOCAL_ENDPOINT, "IVSCTL_LOCAL_ENDPOINT"), source: "IVSCTL_LOCAL_ENDPOINT" };
  }
  const file = runtimeFile(env);
  const rt = readRuntime(env);
  if (rt && typeof rt.endpoint === "string" && processAlive(rt.pid)) return { endpoint: checkEndpoint(rt.endpoint, file), source: `runtime file ${file}` };
  const why = rt ? `the emulator recorded in ${file} (pid ${rt.pid}) is not running` : `no emulator endpoint is known (no --endpoint-url, no IVSCTL_LOCAL_ENDPOINT, no ${file})`;
  return { source: "none", missing: configError(`local mode: ${why}`, `start one with \`ivsctl local start --detach\` (IVSCTL_HOME chooses its runtime file), or set IVSCTL_LOCAL_ENDPOINT`) };
}

function processAlive(pid: unknown): boolean {
  if (typeof pid !== "number" || !Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === "EPERM"; // alive, another user's
  }
}

/** An http(s) URL with a host and, if given, a port from 1 to 65535; the normalised origin (+ path) back. */
export function checkEndpoint(value: string, source: string): string {
  let url: URL | undefined;
  try {
    url = new URL(value);
  } catch {
    url = undefined;
  }
  // URL accepts ports up to 65535 only, so "…:99999" and "http://[::1" both land here.
  if (!url || !/^https?:$/.test(url.protocol) || !url.hostname || url.username || url.password || url.search || url.hash || url.port === "0") {
    throw configError(`${source} is not an http(s) endpoint URL with a valid host and port (got "${value}")`, "e.g. http://127.0.0.1:4599");
  }
  return value;
}

/** A whole-number environment setting within bounds; unset or empty is undefined, anything else malformed is exit 3. */
function envInt(env: Env, name: string, range: { min: number; max: number }): number | undefined {
  const v = env[name];
  if (v === undefined || v === "") return undefined;
  const n = Number(v);
  if (!/^\d+$/.test(v.trim()) || n < range.min || n > range.max) throw configError(`${name} must be a whole number from ${range.min} to ${range.max} (got "${v}")`);
  return n;
}

interface SdkClient {
  middlewareStack: { add(mw: unknown, opts: unknown): void };
}

/**
 * The one client factory. Each SDK package is imported on first use, so commands that never
 * call a service never load it, and --help / --version load none.
 */
export class AwsClients {
  private cache = new Map<string, unknown>();

  constructor(
    readonly settings: AwsSettings,
    private readonly log?: Logger,
  ) {}

  ivs(): Promise<IvsClient> {
    return this.make("ivs", async () => new (await import("@aws-sdk/client-ivs")).IvsClient(this.config()));
  }
  realtime(): Promise<IVSRealTimeClient> {
    return this.make("ivs-realtime", async () => new (await import("@aws-sdk/client-ivs-realtime")).IVSRealTimeClient(this.config()));
  }
  ecs(): Promise<ECSClient> {
    return this.make("ecs", async () => new (await import("@aws-sdk/client-ecs")).ECSClient(this.config()));
  }
  cloudformation(): Promise<CloudFormationClient> {
    return this.make("cloudformation", async () => new (await import("@aws-sdk/client-cloudformation")).CloudFormationClient(this.config()));
  }
  secrets(): Promise<SecretsManagerClient> {
    return this.make("secretsmanager", async () => new (await import("@aws-sdk/client-secrets-manager")).SecretsManagerClient(this.config()));
  }

  ssm(): Promise<SSMClient> {
    return this.make("ssm", async () => new (await import("@aws-sdk/client-ssm")).SSMClient(this.config()));
  }
  /** VP assets (`vp run`'s `s3://` ASSET_NAME). */
  s3(): Promise<S3Client> {
    return this.make("s3", async () => new (await import("@aws-sdk/client-s3")).S3Client({ ...this.config(), forcePathStyle: this.settings.s3PathStyle || Boolean(this.settings.endpoint) }));
  }

  private async make<T>(service: string, create: () => Promise<T>): Promise<T> {
    const hit = this.cache.get(service);
    if (hit) return hit as T;
    if (this.settings.endpointMissing) throw this.settings.endpointMissing;
    if (this.cache.size === 0) this.log?.debug(`endpoint ${this.settings.endpoint ?? "(resolved by the SDK)"} from ${this.settings.endpointSource ?? "?"}`);
    const client = await create();
    if (this.log) addDebugLogging(client as SdkClient, service, this.log);
    this.cache.set(service, client);
    return client;
  }

  private config() {
    const s = this.settings;
    return {
      region: s.region,
      profile: s.profile,
      endpoint: s.endpoint,
      credentials: s.credentials,
      maxAttempts: s.maxAttempts,
      // Adaptive retry adds client-side rate limiting on top of backoff when AWS throttles.
      retryMode: "adaptive",
      // throwOnRequestTimeout: without it the SDK only logs a warning and waits forever.
      requestHandler: { requestTimeout: s.requestTimeoutMs, connectionTimeout: Math.min(5_000, s.requestTimeoutMs), throwOnRequestTimeout: true },
    };
  }
}

/** --debug: one stderr line per attempt-complete operation, with status and time. */
function addDebugLogging(client: SdkClient, service: string, log: Logger): void {
  client.middlewareStack.add(
    (next: (a: unknown) => Promise<{ response?: { statusCode?: number } }>, context: { commandName?: string }) => async (args: unknown) => {
      const started = performance.now();
      try {
        const out = await next(args);
        log.debug(`${service} ${op(context)} -> ${out.response?.statusCode ?? "ok"} in ${(performance.now() - started).toFixed(0)} ms`);
        return out;
      } catch (err) {
        log.debug(`${service} ${op(context)} failed in ${(performance.now() - started).toFixed(0)} ms: ${(err as Error).name}`);
        throw err;
      }
    },
    { step: "initialize", name: "ivsctlDebugLog" },
  );
}

const op = (context: { commandName?: string }) => (context.commandName ?? "?").replace(/Command$/, "");
