/**
 * `ivsctl local`: one HTTP endpoint that speaks the real wire protocols of the AWS APIs ivsctl
 * uses, so unmodified SDKs and the AWS CLI work against it through --endpoint-url.
 */
import { cloudFormationService } from "./cloudformation.ts";
import { createEcsService } from "./ecs.ts";
import { ServiceError } from "./errors.ts";
import { refusal, type Protocol } from "./guard.ts";
import { RateLimiter, rateLimitsEnabled } from "./rate-limits.ts";
import { FaultTable, faultShapesResult, faultThrows, type Fault, type FaultRequest } from "./faults.ts";
import { LOCAL_ACCOUNT } from "./ids.ts";
import { ivsService } from "./ivs.ts";
import { ivsMetadataService, metadataInspection } from "./ivs-metadata.ts";
import { ivsRealtimeIngestService } from "./ivs-realtime-ingest.ts";
import { handleStagesRoute, ivsRealtimeService, joinStage, leaveStage } from "./ivs-realtime.ts";
import { createVpProcessRunner, vpModeOf } from "./vp-process.ts";
import { createWhipRuntime } from "./whip.ts";
import { startIngestListener } from "./rtmp/listener.ts";
import { ivsPlaybackKeysService } from "./ivs-playback-keys.ts";
import { ivsRecordingService } from "./ivs-recording.ts";
import { ivsStreamKeysService } from "./ivs-stream-keys.ts";
import { ivsStreamsService } from "./ivs-streams.ts";
import { secretsManagerService } from "./secretsmanager.ts";
import { ssmService } from "./ssm.ts";
import { findBotocoreData, formatValidation, loadModel, validateInput, type ServiceModel } from "./models.ts";
import { json11Error, json11Result, parseQueryInput, queryError, queryResult, restJsonError, restJsonResult } from "./protocols.ts";
import { seedWorld } from "./seed.ts";
import { seedChannelStack } from "./seed-channel.ts";
import { getRoleCredentials, isSsoRequest } from "./sso.ts";
import type { EmulatedService, LocalWorld, RequestContext } from "./service.ts";
import { Store } from "./store.ts";
import { createVpSampleRuntime } from "./vp-sample.ts";

export interface LocalServerOptions {
  port: number;
  hostname?: string;
  statePath: string;
  /** Validate against botocore models (default: when installed). */
  validate?: boolean;
  env?: Record<string, string | undefined>;
  /** Port of the RTMPS ingest listener (default: port + 1; a free one when port is 0). */
  ingestPort?: number;
  /** Enforce the IVS request-rate quotas (default: IVSCTL_LOCAL_RATE_LIMITS, on unless "off"). */
  rateLimits?: boolean;
  /** Extra services (added by later capabilities) beyond IVS channels and CloudFormation. */
  services?: EmulatedService[];
}

export interface LocalServer {
  url: string;
  port: number;
  store: Store;
  world: LocalWorld;
  /** Requests served, by "service:Operation" (also at GET /_ivsctl/requests). */
  requestCounts: Map<string, number>;
  stop(): Promise<void>;
}

export type { Fault } from "./faults.ts";

const REQUEST_LOG_SIZE = 20_000;

const JSON_TARGETS: Record<string, string> = {
  AmazonEC2ContainerServiceV20141113: "ecs",
  secretsmanager: "secretsmanager",
  AmazonSSM: "ssm",
};
const JSON_NAMESPACES: Record<string, string> = { ecs: "com.amazonaws.ecs", secretsmanager: "com.amazonaws.secretsmanager", ssm: "com.amazonaws.ssm" };

/** ARN resource types served by IVS real-time; anything else under /tags goes to IVS. */
const REALTIME_RESOURCE = /:(stage|composition|encoder-configuration|storage-configuration|public-key|ingest-configuration)\//;

export async function startLocalServer(opts: LocalServerOptions): Promise<LocalServer> {
  const env = opts.env ?? process.env;
  const limitRates = opts.rateLimits ?? rateLimitsEnabled(env.IVSCTL_LOCAL_RATE_LIMITS);
  const store = new Store(opts.statePath);
  const services = new Map<string, EmulatedService>();
  // Every emulated service. Several files may serve one API (same name): their operations merge.
  const builtIn: EmulatedService[] = [
    ivsService,
    ivsStreamKeysService,
    ivsPlaybackKeysService,
    ivsRecordingService,
    ivsStreamsService,
    ivsMetadataService,
    ivsRealtimeService,
    ivsRealtimeIngestService,
    cloudFormationService,
    secretsManagerService,
    ssmService,
  ];
  // Virtual participants join and leave real-time stages through the stage service.
  // By default each VP task's container is a real `ivsctl vp run` process (IVSCTL_LOCAL_VP=simulated: in-process join).
  const vpProcesses = vpModeOf(env.IVSCTL_LOCAL_VP) === "process" ? createVpProcessRunner({ env }) : undefined;
  builtIn.push(createEcsService({ stage: { join: joinStage, leave: leaveStage }, vpProcess: vpProcesses }));
  for (const s of [...builtIn, ...(opts.services ?? [])]) {
    const existing = services.get(s.name);
    services.set(s.name, existing ? { ...existing, operations: { ...existing.operations, ...s.operations } } : s);
  }
  const dataDir = opts.validate === false ? undefined : findBotocoreData(env);
  const models = new Map<string, ServiceModel | undefined>();
  const modelFor = (name: string) => {
    if (!models.has(name)) models.set(name, loadModel(dataDir, name));
    return models.get(name);
  };
  const faults = new FaultTable();
  const rateLimiter = limitRates ? new RateLimiter() : undefined;
  const requestCounts = new Map<string, number>();
  // Arrival times (epoch ms, sub-millisecond) of the last requests, so tests can check a client's pacing
  // where it counts: at the server, retries included (GET /_ivsctl/requests/log?operation=ivs:PutMetadata).
  const requestLog: { operation: string; at: number; resource?: string }[] = [];
  const world: LocalWorld = { httpHost: "", ingestHost: "" };
  const now = () => new Date();
  // The stages' WHIP endpoints (src/local/whip.ts).
  const whip = createWhipRuntime({ store, now });
  seedWorld(store, env.AWS_REGION || env.AWS_DEFAULT_REGION || "us-east-1", now());

  // The VP sample's backend (function URLs, warm pool, containers): its AWS calls go to these services in-process.
  const vpSample = createVpSampleRuntime({
    store,
    world,
    env,
    now,
    aws: async (name, operation, input, region) => {
      const handler = services.get(name)?.operations[operation];
      if (!handler) throw new ServiceError("NotImplemented", `ivsctl local does not emulate ${name} ${operation}`, 501);
      return handler(input, { store, region, account: LOCAL_ACCOUNT, now, world });
    },
  });

  async function invoke(service: EmulatedService, operation: string, input: Record<string, unknown>, region: string): Promise<unknown> {
    const counted = `${service.name}:${operation}`;
    requestCounts.set(counted, (requestCounts.get(counted) ?? 0) + 1);
    const resource = input.channelArn ?? input.stageArn ?? input.arn;
    requestLog.push({ operation: counted, at: performance.timeOrigin + performance.now(), ...(typeof resource === "string" ? { resource } : {}) });
    if (requestLog.length > REQUEST_LOG_SIZE) requestLog.splice(0, requestLog.length - REQUEST_LOG_SIZE);
    const fault = faults.take(service.name, operation, Date.now());
    if (fault) {
      if (fault.delayMs) await Bun.sleep(fault.delayMs);
      // Faults that shape a result (ECS failures[], task behaviour) are handed to the operation instead.
      // A fault with only a delay (or code "Delay") then answers normally: a slow server.
      if (faultThrows(fault)) throw new ServiceError(fault.code, fault.message ?? `injected ${fault.code}`, fault.status);
    }
    const handler = service.operations[operation];
    rateLimiter?.admit(service.name, operation, region, Date.now());
    const model = modelFor(service.name);
    if (!handler) {
      if (model?.operations[operation]) throw new ServiceError("NotImplemented", `ivsctl local does not emulate ${service.name} ${operation} yet`, 501);
      throw new ServiceError(service.protocol === "query" ? "InvalidAction" : "UnknownOperationException", `Unknown operation ${operation}`, 400);
    }
    if (model) {
      const problems = validateInput(service.name, model, operation, input);
      if (problems.length) throw new ServiceError(service.protocol === "query" ? "ValidationError" : "ValidationException", formatValidation(problems), 400);
    }
    const ctx: RequestContext & { fault?: Fault } = { store, region, account: LOCAL_ACCOUNT, now, world, fault: fault && faultShapesResult(fault) ? fault : undefined };
    return handler(input, ctx);
  }

  async function handleAws(req: Request, url: URL): Promise<Response> {
    const requestId = crypto.randomUUID();
    const region = /Credential=[^/]+\/\d{8}\/([a-z0-9-]+)\//.exec(req.headers.get("authorization") ?? "")?.[1] ?? "us-east-1";
    const target = req.headers.get("x-amz-target");
    const contentType = req.headers.get("content-type") ?? "";

    // JSON 1.1: ECS, Secrets Manager
    if (target) {
      const [prefix, operation = ""] = target.split(".");
      const name = JSON_TARGETS[prefix ?? ""];
      const service = name ? services.get(name) : undefined;
      const ns = JSON_NAMESPACES[name ?? ""] ?? "com.amazonaws";
      if (!service) return json11Error(new ServiceError("UnknownOperationException", `Unknown target ${target}`), requestId, ns);
      try {
        const text = await req.text();
        const input = text ? JSON.parse(text) : {};
        return json11Result(await invoke(service, operation, input, region), requestId);
      } catch (err) {
        return json11Error(asServiceError(err, "SerializationException"), requestId, ns);
      }
    }

    // Query: CloudFormation
    if (contentType.startsWith("application/x-www-form-urlencoded") || url.searchParams.has("Action")) {
      const form = req.method === "GET" ? url.searchParams : new URLSearchParams(await req.text());
      const { action, input } = parseQueryInput(form);
      try {
        return queryResult(action, await invoke(services.get("cloudformation")!, action, input, region), requestId);
      } catch (err) {
        return queryError(asServiceError(err, "ValidationError"), requestId);
      }
    }

    // REST-JSON: IVS and IVS real-time
    try {
      const path = decodeURIComponent(url.pathname);
      let operation: string;
      let service: EmulatedService | undefined;
      let input: Record<string, unknown> = {};
      if (path.startsWith("/tags/")) {
        const resourceArn = path.slice("/tags/".length);
        service = services.get(REALTIME_RESOURCE.test(resourceArn) ? "ivs-realtime" : "ivs");
        operation = req.method === "GET" ? "ListTagsForResource" : req.method === "DELETE" ? "UntagResource" : "TagResource";
        if (req.method === "POST") input = await readJson(req);
        input.resourceArn = resourceArn;
        if (req.method === "DELETE") input.tagKeys = url.searchParams.getAll("tagKeys");
      } else {
        operation = path.slice(1);
        service = [services.get("ivs"), services.get("ivs-realtime")].find((s) => s && (s.operations[operation] || modelFor(s.name)?.operations[operation]));
        if (req.method !== "POST" || !service) throw new ServiceError("UnknownOperationException", `No such operation: ${req.method} ${path}`, 404);
        input = await readJson(req);
      }
      if (!service) throw new ServiceError("UnknownOperationException", `No such operation: ${req.method} ${path}`, 404);
      const result = await invoke(service, operation, input, region);
      return restJsonResult(result, requestId, result === undefined ? 204 : 200);
    } catch (err) {
      return restJsonError(asServiceError(err, "ValidationException"), requestId);
    }
  }

  async function handleInternal(req: Request, url: URL): Promise<Response> {
    const route = url.pathname.slice("/_ivsctl/".length);
    if (route === "health") return Response.json({ ok: true, account: LOCAL_ACCOUNT, validating: Boolean(dataDir), rateLimits: limitRates, ingest: world.ingestHost, pid: process.pid });
    if (route === "faults" && req.method === "POST") {
      return Response.json({ faults: faults.add((await req.json()) as FaultRequest, Date.now()) });
    }
    if (route === "faults" && req.method === "DELETE") {
      faults.clear();
      return Response.json({ faults: 0 });
    }
    if (route === "faults") return Response.json({ faults: faults.list() });
    if (route === "metadata") return metadataInspection(store, url);
    const sampleRecords = vpSample.inspect(route, req);
    if (sampleRecords) return sampleRecords;
    const whipResponse = whip.handle(route, req);
    if (whipResponse) return whipResponse;
    if (route.startsWith("stages/") && req.method === "POST") return handleStagesRoute(store, route, req);
    if (route === "requests" && req.method === "DELETE") {
      requestCounts.clear();
      requestLog.length = 0;
      return Response.json({});
    }
    if (route === "requests") return Response.json(Object.fromEntries(requestCounts));
    if (route === "requests/log") {
      const operation = url.searchParams.get("operation");
      return Response.json({ requests: requestLog.filter((r) => !operation || r.operation === operation) });
    }
    return new Response("not found", { status: 404 });
  }

  const server = Bun.serve({
    port: opts.port,
    hostname: opts.hostname ?? "127.0.0.1",
    idleTimeout: 120,
    fetch(req) {
      const url = new URL(req.url);
      const protocol = protocolOf(req, url);
      const refused = refusal(req.headers, protocol, hasBody(req));
      if (refused) return refuse(protocol, req, refused);
      if (url.pathname.startsWith("/_ivsctl/")) return handleInternal(req, url);
      if (isSsoRequest(req, url)) return getRoleCredentials(req, url);
      return vpSample.handle(req, url) ?? handleAws(req, url);
    },
  });
  const host = `${server.hostname}:${server.port}`;
  world.httpHost = host;
  let ingest;
  try {
    ingest = await startIngestListener({ store, hostname: server.hostname!, port: opts.ingestPort ?? (opts.port === 0 ? 0 : server.port! + 1) });
  } catch (e) {
    await server.stop(true);
    store.close();
    throw new Error(`RTMPS ingest port: ${(e as Error).message}`);
  }
  world.ingestHost = `${server.hostname}:${ingest.port}`;
  seedChannelStack(store, env.AWS_REGION || env.AWS_DEFAULT_REGION || "us-east-1", now(), world);
  world.disconnectPublisher = (arn) => void ingest.disconnect(arn);
  vpSample.start();
  return {
    url: `http://${host}`,
    port: server.port!,
    store,
    world,
    requestCounts,
    async stop() {
      vpSample.stop();
      await vpProcesses?.stopAll();
      await whip.stop();
      await ingest.stop();
      await server.stop(true);
      store.close();
    },
  };
}

/** Which wire protocol a request speaks (the same tests handleAws routes by); `/_ivsctl/*` and SSO are internal. */
function protocolOf(req: Request, url: URL): Protocol {
  // Lambda function URLs and API Gateway routes (the VP sample's) take any body type, as AWS does:
  // SigV4 guards the function URLs; Host and Origin are still checked.
  if (url.pathname.startsWith("/_ivsctl/") || isSsoRequest(req, url) || /^\/(lambda-url|execute-api)\//.test(url.pathname)) return "internal";
  if (req.headers.get("x-amz-target")) return "json";
  if ((req.headers.get("content-type") ?? "").startsWith("application/x-www-form-urlencoded") || url.searchParams.has("Action")) return "query";
  return "rest-json";
}

function hasBody(req: Request): boolean {
  return Number(req.headers.get("content-length") ?? 0) > 0 || req.headers.has("transfer-encoding");
}

/** 403 in the protocol's own error shape, as AWS answers a request it will not serve. */
function refuse(protocol: Protocol, req: Request, why: string): Response {
  const requestId = crypto.randomUUID();
  if (protocol === "query") return queryError(new ServiceError("AccessDenied", why, 403), requestId);
  const error = new ServiceError("AccessDeniedException", why, 403);
  if (protocol === "json") {
    const name = JSON_TARGETS[(req.headers.get("x-amz-target") ?? "").split(".")[0]!];
    return json11Error(error, requestId, JSON_NAMESPACES[name ?? ""] ?? "com.amazonaws");
  }
  return restJsonError(error, requestId);
}

async function readJson(req: Request): Promise<Record<string, unknown>> {
  const text = await req.text();
  if (!text) return {};
  try {
    return JSON.parse(text) as Record<string, unknown>;
  } catch {
    throw new ServiceError("SerializationException", "Request body is not valid JSON", 400);
  }
}

function asServiceError(err: unknown, fallbackCode: string): ServiceError {
  if (err instanceof ServiceError) return err;
  if (err instanceof SyntaxError) return new ServiceError(fallbackCode === "ValidationError" ? "ValidationError" : "SerializationException", err.message, 400);
  return new ServiceError("InternalServerException", (err as Error)?.message ?? String(err), 500);
}
