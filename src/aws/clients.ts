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
import { readRuntime } from "../cli/home.ts";

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
  /** S3 behind an endpoint override (an emulator, moto): bucket in the path, not in the host name. */
  s3PathStyle?: boolean;
}

export const LOCAL_DEFAULT_ENDPOINT = "http://127.0.0.1:4599";
export const LOCAL_DEFAULT_REGION = "us-east-1";

export function resolveAwsSettings(
  flags: { region?: string; profile?: string; endpointUrl?: string; local: boolean },
  env: Env,
): AwsSettings {
  const maxAttempts = positiveInt(env.AWS_MAX_ATTEMPTS) ?? 5;
  const requestTimeoutMs = positiveInt(env.IVSCTL_REQUEST_TIMEOUT_MS) ?? 15_000;
  const region = flags.region || envRegion(env);
  if (flags.local) {
    return {
      region: region ?? LOCAL_DEFAULT_REGION,
      endpoint: flags.endpointUrl || env.IVSCTL_LOCAL_ENDPOINT || readRuntime(env)?.endpoint || LOCAL_DEFAULT_ENDPOINT,
      // The emulator verifies function-URL signatures against this secret (README: dummy credentials).
      credentials: { accessKeyId: "AKIDLOCAL", secretAccessKey: env.IVSCTL_LOCAL_SECRET_ACCESS_KEY || "test" },
      maxAttempts,
      requestTimeoutMs,
    };
  }
  const s3PathStyle = Boolean(flags.endpointUrl || env.AWS_ENDPOINT_URL_S3 || env.AWS_ENDPOINT_URL);
  return { region, profile: flags.profile || undefined, endpoint: flags.endpointUrl || undefined, maxAttempts, requestTimeoutMs, s3PathStyle };
}

/** The environment's region, checked: a malformed one is exit 3 before any AWS call. */
function envRegion(env: Env): string | undefined {
  if (env.AWS_REGION) return checkRegionEnv("AWS_REGION", env.AWS_REGION);
  if (env.AWS_DEFAULT_REGION) return checkRegionEnv("AWS_DEFAULT_REGION", env.AWS_DEFAULT_REGION);
  return undefined;
}

function positiveInt(s: string | undefined): number | undefined {
  const n = s === undefined ? NaN : Number(s);
  return Number.isInteger(n) && n > 0 ? n : undefined;
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
