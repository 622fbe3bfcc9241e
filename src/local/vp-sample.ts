/**
 * The VP sample's backend, running inside the emulator for every seeded sample stack (vp-sample-seed.ts):
 * - its function URLs (IAM auth: SigV4 for service `lambda`, function-url-auth.ts) with the handlers'
 *   request and response bodies, records, conditional updates and error statuses and names, odd ones
 *   included (contract sections 1-2);
 * - `POST /<env>/stage/token` on its REST API (unauthenticated, as deployed);
 * - its DynamoDB tables (Stages, VirtualParticipants with the AssignedStageIdIndex, Status and TasksIndex
 *   queries), the UpdateVpState stream + AppSync rewrite that drops fields (section 2), TTL deletion;
 * - the warm pool (ManageWarmVpPool, MIN 2 / MAX 4), the ECS task-state rule (UpdateTaskFromEvents),
 *   and emulated VP containers (section 4 "Container protocol"): boot -> AVAILABLE; INVITED -> fetch a
 *   token from the token function, join the stage through the emulator's join (which verifies it) ->
 *   JOINED; KICKED -> leave -> AVAILABLE; disconnected by DisconnectParticipant -> the task exits.
 * Everything runs on a fast clock: one tick every IVSCTL_LOCAL_VP_SAMPLE_TICK_MS (default 100 ms)
 * stands for the one-minute pool schedule and the event deliveries.
 *
 * AWS calls the sample's code makes go to the emulator's own services in-process (not counted in
 * /_ivsctl/requests, which counts what clients ask).
 *
 * Inspection: GET /_ivsctl/vp-sample/<stack>/records -> {stages, virtualParticipants} (the raw items).
 * Test switch: POST /_ivsctl/vp-sample/<stack>/containers {"paused": true|false} holds the emulated
 * containers (a VP that is slow to join or to leave); the pool manager and ECS events keep running.
 */
import { joinStage, leaveStage, RT_KIND, type StageDoc } from "./ivs-realtime.ts";
import { ECS_KIND } from "./ecs.ts";
import { verifyFunctionUrlRequest } from "./function-url-auth.ts";
import type { LocalWorld } from "./service.ts";
import type { Store } from "./store.ts";
import { signSampleToken } from "./vp-sample-token.ts";
import { VP_SAMPLE_KIND, type UrlFunction, type VpSampleConfig } from "./vp-sample-seed.ts";

type Aws = (service: string, operation: string, input: Record<string, unknown>, region: string) => Promise<any>;

export interface VpSampleRuntimeOptions {
  store: Store;
  world: LocalWorld;
  env: Record<string, string | undefined>;
  now: () => Date;
  /** Call an emulated AWS operation as the sample's Lambdas and containers do. */
  aws: Aws;
  tickMs?: number;
}

/** Record statuses (contract section 3). */
export type VpStatus = "PENDING" | "RUNNING" | "STOPPED" | "PROVISIONING" | "DEPROVISIONING" | "INVITED" | "JOINED" | "ERRORED" | "KICKED" | "AVAILABLE";

export interface VpRecord {
  id: string;
  status: VpStatus | string;
  taskId?: string;
  stageArn?: string;
  stageEndpoints?: Record<string, string>;
  assetName?: string;
  running?: "yes";
  ttl?: number;
  createdAt?: string;
  updatedAt?: string;
  lastUpdateSource?: string;
  metadata?: Record<string, unknown>;
  lastError?: string;
}

export interface StageRecord {
  id: string;
  hostParticipantId: string;
  stageArn: string;
  stageEndpoints: Record<string, string>;
  createdAt: string;
  updatedAt: string;
}

/** `manageWarmVpPool.ts`: MIN_WARM_VPS / MAX_WARM_VPS. */
const MIN_WARM_VPS = 2;
const MAX_WARM_VPS = 4;
const TTL_SECONDS = 3600;
const UNASSIGNED = "unassigned";

/** An error a handler answers with: `statusCode` and `JSON.stringify(err)` without its stack (`lambda/utils.ts`). */
class HandlerError extends Error {
  constructor(
    readonly statusCode: number,
    readonly body: Record<string, unknown>,
  ) {
    super(String(body.message));
  }
}
/** Named errors serialize as {message, code, name}. */
const named = (statusCode: number, name: string, message: string) => new HandlerError(statusCode, { message, code: name, name });
/** Wrapped errors serialize as {message, cause: {message}}. */
const wrapped = (statusCode: number, message: string, cause: unknown) => new HandlerError(statusCode, { message, cause: { message: (cause as Error)?.message ?? String(cause) } });

class ConditionalCheckFailed extends Error {
  constructor() {
    super("The conditional request failed");
    this.name = "ConditionalCheckFailedException";
  }
}

/** Let other requests run between two "network" calls, as a Lambda's awaits do. */
const yieldTurn = () => new Promise<void>((r) => setImmediate(r));

/** A DynamoDB table as the sample uses it: items by `id`, scans, GSI queries, conditional updates. */
class Table<T extends { id: string }> {
  readonly kind: string;
  constructor(
    private readonly store: Store,
    readonly name: string,
    private readonly onWrite?: (before: T | undefined, after: T | undefined) => void,
  ) {
    this.kind = `dynamodb:${name}`;
  }
  peek(id: string): T | undefined {
    return this.store.get<T>(this.kind, id);
  }
  all(): T[] {
    return this.store.list<T>(this.kind);
  }
  async get(id: string): Promise<T | undefined> {
    await yieldTurn();
    return this.peek(id);
  }
  async put(item: T): Promise<void> {
    await yieldTurn();
    this.putNow(item);
  }
  putNow(item: T): void {
    const before = this.peek(item.id);
    this.store.put(this.kind, item.id, item);
    this.onWrite?.(before, item);
  }
  async delete(id: string): Promise<void> {
    await yieldTurn();
    const before = this.peek(id);
    this.store.delete(this.kind, id);
    this.onWrite?.(before, undefined);
  }
  /** One Scan page (the sample never paginates); filter = its FilterExpression. */
  async scan(filter: (item: T) => boolean = () => true): Promise<T[]> {
    await yieldTurn();
    return this.all().filter(filter);
  }
  /** Query a GSI on `attr = value` (projection ALL), optionally with Limit. */
  async query(attr: keyof T, value: unknown, limit?: number): Promise<T[]> {
    await yieldTurn();
    const hits = this.all().filter((i) => i[attr] === value);
    return limit === undefined ? hits : hits.slice(0, limit);
  }
  /** UpdateItem: SET/REMOVE via `change`, refused with ConditionalCheckFailed when `condition` fails. Creates the item when absent and unconditioned (DynamoDB upsert). */
  async update(id: string, change: (item: T) => T, condition?: (item: T | undefined) => boolean): Promise<T> {
    await yieldTurn();
    const before = this.peek(id);
    if (condition && !condition(before)) throw new ConditionalCheckFailed();
    const after = change(before ?? ({ id } as T));
    this.store.put(this.kind, id, after);
    this.onWrite?.(before, after);
    return after;
  }
}

/** Fields whose change makes UpdateVpState push the record through AppSync (`updateVpState.ts`). */
const SYNCED_FIELDS = ["status", "stageArn", "running", "taskId", "stageEndpoints"] as const;

interface Container {
  taskArn: string;
  vpId?: string;
  ready: boolean;
  /** updatedAt of the INVITED record this container already acted on. */
  invitedAt?: string;
  joined?: { stageArn: string; participantId: string };
  exited: boolean;
}

interface Backend {
  config: VpSampleConfig;
  stages: Table<StageRecord>;
  vps: Table<VpRecord>;
  /** VP ids whose stream records await the UpdateVpState/AppSync rewrite. */
  pendingSync: Set<string>;
  containers: Map<string, Container>;
  /** Last task status the task-state rule delivered, by task ARN. */
  delivered: Map<string, string>;
  /** Test switch: containers hold (do nothing) while set. */
  paused: boolean;
}

export interface VpSampleRuntime {
  /** A function-URL or REST-API request for a sample stack, or undefined when the path is not one. */
  handle(req: Request, url: URL): Promise<Response> | undefined;
  /** GET /_ivsctl/vp-sample/<stack>/records, POST /_ivsctl/vp-sample/<stack>/containers. */
  inspect(route: string, req: Request): Promise<Response> | undefined;
  /** Run one tick now (tests use the background timer; this is for determinism where needed). */
  tick(): Promise<void>;
  start(): void;
  stop(): void;
}

export function createVpSampleRuntime(o: VpSampleRuntimeOptions): VpSampleRuntime {
  const backends = new Map<string, Backend>();
  const secretAccessKey = o.env.IVSCTL_LOCAL_SECRET_ACCESS_KEY || "test";
  const tickMs = o.tickMs ?? (Number(o.env.IVSCTL_LOCAL_VP_SAMPLE_TICK_MS) > 0 ? Number(o.env.IVSCTL_LOCAL_VP_SAMPLE_TICK_MS) : 100);
  let timer: ReturnType<typeof setInterval> | undefined;
  let busy = false;

  function backendOf(stack: string): Backend | undefined {
    const cached = backends.get(stack);
    if (cached) return cached;
    const config = o.store.get<VpSampleConfig>(VP_SAMPLE_KIND, stack);
    if (!config) return undefined;
    const b: Backend = {
      config,
      stages: new Table<StageRecord>(o.store, config.stagesTable),
      vps: undefined as unknown as Table<VpRecord>,
      pendingSync: new Set(),
      containers: new Map(),
      delivered: new Map(),
      paused: false,
    };
    b.vps = new Table<VpRecord>(o.store, config.vpTable, (before, after) => {
      if (after && SYNCED_FIELDS.some((f) => JSON.stringify(before?.[f]) !== JSON.stringify(after[f]))) b.pendingSync.add(after.id);
    });
    backends.set(stack, b);
    return b;
  }
  const allBackends = () => o.store.list<VpSampleConfig>(VP_SAMPLE_KIND).map((c) => backendOf(c.stack)!);

  const iso = () => o.now().toISOString();
  const ttl = () => Math.floor(o.now().getTime() / 1000) + TTL_SECONDS;
  const aws = (b: Backend, service: string, op: string, input: Record<string, unknown>) => o.aws(service, op, input, b.config.region);

  // ---- token signing (lambda/sdk/realTime.ts createToken) ----------------------------------

  async function signToken(b: Backend, stage: { stageArn: string; stageEndpoints: Record<string, string> }, who: { userId?: string; attributes?: Record<string, string>; allowPublish: boolean }) {
    // The secret and the parameter are read in parallel on every token (contract section 5).
    const [secret, parameter] = await Promise.all([
      aws(b, "secretsmanager", "GetSecretValue", { SecretId: b.config.secretArn }),
      aws(b, "ssm", "GetParameter", { Name: b.config.parameterName }),
    ]);
    const kid = (JSON.parse(parameter.Parameter.Value) as { arn: string }).arn;
    return signSampleToken({
      stageArn: stage.stageArn,
      endpoints: stage.stageEndpoints,
      allowPublish: who.allowPublish,
      allowSubscribe: true,
      userId: who.userId,
      attributes: who.attributes,
      secretString: secret.SecretString,
      kid,
      now: o.now(),
    });
  }

  async function stageRecord(b: Backend, id: unknown): Promise<StageRecord> {
    const s = typeof id === "string" ? await b.stages.get(id) : undefined;
    if (!s) throw named(404, "StageNotFoundException", `Stage with ID ${String(id)} not found`);
    return s;
  }

  /** joinIvsStage.ts: `{id, userId='guest', attributes?, allowPublish=false}` -> `{token, participantId}`. */
  async function createParticipantToken(b: Backend, req: any) {
    const stage = await stageRecord(b, req?.id);
    try {
      return await signToken(b, stage, { userId: req.userId ?? "guest", attributes: req.attributes, allowPublish: req.allowPublish ?? false });
    } catch (e) {
      throw wrapped(500, "Failed to create participant token(s).", e);
    }
  }

  // ---- function-URL handlers (lambda/handlers/*.ts) ------------------------------------------

  const handlers: Record<UrlFunction, (b: Backend, req: any) => Promise<unknown>> = {
    async CreateIvsStage(b, req) {
      // 1. CreateStage, no name, tagged {stack}. 2. A host token. 3. PutItem (no condition).
      let created: { stage: StageDoc };
      try {
        created = await aws(b, "ivs-realtime", "CreateStage", { tags: { stack: b.config.stack } });
      } catch (e) {
        throw wrapped(500, "Failed to create Stage.", e);
      }
      let host: { token: string; participantId: string };
      try {
        host = await signToken(b, { stageArn: created.stage.arn, stageEndpoints: created.stage.endpoints }, { userId: req?.userId ?? "HOST_USER", attributes: req?.attributes, allowPublish: true });
      } catch (e) {
        // The IVS stage already exists here and is leaked, as in the sample.
        throw wrapped(500, "Failed to create participant token(s).", e);
      }
      const now = iso();
      const id = crypto.randomUUID();
      await b.stages.put({ id, hostParticipantId: host.participantId, stageArn: created.stage.arn, stageEndpoints: { ...created.stage.endpoints }, createdAt: now, updatedAt: now });
      return { id, participantId: host.participantId, token: host.token };
    },

    async DeleteIvsStage(b, req) {
      const stage = await stageRecord(b, req?.id);
      // Both failures below answer 500 with the sample's mislabelled messages (contract section 1).
      if (req.participantId !== stage.hostParticipantId) throw wrapped(500, "Failed to create Stage.", new Error("Participant ID does not match the stage host"));
      try {
        await aws(b, "ivs-realtime", "DeleteStage", { arn: stage.stageArn });
      } catch (e) {
        throw wrapped(500, "Failed to create participant token(s).", e);
      }
      await b.stages.delete(stage.id);
      return {};
    },

    async InviteVp(b, req) {
      const stage = await stageRecord(b, req?.id);
      const assetName: string | undefined = req.assetName || undefined;
      if (assetName) {
        if (!b.config.bucket) throw named(404, "BucketNameMissingException", "VIDEO_ASSETS_BUCKET_NAME is not set");
        await yieldTurn();
        // S3 HeadObject; a missing object is S3's NotFound, which the handler does not catch.
        if (!b.config.assets.includes(assetName)) throw wrapped(500, "NotFound", new Error(`HeadObject ${b.config.bucket}/${assetName}: 404 Not Found`));
      }
      const assigned = await b.vps.query("stageArn", stage.stageArn, 1);
      // Sic: the sample answers 404 for "already assigned" found by the index.
      if (assigned.length) throw named(404, "VpAlreadyAssignedException", `Stage ${stage.id} already has a virtual participant assigned`);
      const available = await b.vps.query("status", "AVAILABLE", 1);
      if (!available.length) throw named(404, "VpNotAvailableException", "No available virtual participants");
      try {
        await b.vps.update(
          available[0]!.id,
          (vp) => ({ ...vp, status: "INVITED", stageArn: stage.stageArn, stageEndpoints: { ...stage.stageEndpoints }, lastUpdateSource: "invite-api", ...(assetName ? { assetName } : {}), updatedAt: iso() }),
          (vp) => vp !== undefined && vp.status === "AVAILABLE",
        );
      } catch (e) {
        if (e instanceof ConditionalCheckFailed) throw named(409, "VpAlreadyAssignedException", "Virtual participant was assigned by another request");
        throw e;
      }
      return {};
    },

    async KickVp(b, req) {
      const stage = await stageRecord(b, req?.id);
      const assigned = await b.vps.query("stageArn", stage.stageArn, 1);
      if (!assigned.length) throw named(404, "VpNotFoundException", `No virtual participant found for stage ${stage.id}`);
      await b.vps.update(
        assigned[0]!.id,
        (vp) => ({ ...vp, status: "KICKED", stageArn: UNASSIGNED, stageEndpoints: {}, assetName: "", ttl: ttl(), lastUpdateSource: "kick-api", updatedAt: iso() }),
        (vp) => vp !== undefined,
      );
      return {};
    },

    async RotateKeyPair(b) {
      const param = await aws(b, "ssm", "GetParameter", { Name: b.config.parameterName });
      const oldArn = (JSON.parse(param.Parameter.Value) as { arn?: string }).arn;
      // KMS GenerateDataKeyPair ECC_NIST_P384 in the sample; the emulator has no KMS, the key is the same kind.
      const { generateKeyPairSync } = await import("node:crypto");
      const pair = generateKeyPairSync("ec", { namedCurve: "P-384" });
      const [imported] = await Promise.all([
        aws(b, "ivs-realtime", "ImportPublicKey", {
          publicKeyMaterial: pair.publicKey.export({ type: "spki", format: "pem" }).toString(),
          name: `${b.config.stack}-PublicKey-${o.now().getTime()}`,
          tags: { createdAt: iso() },
        }),
        aws(b, "secretsmanager", "PutSecretValue", { SecretId: b.config.secretArn, SecretString: pair.privateKey.export({ type: "pkcs8", format: "pem" }).toString() }),
      ]);
      const arn: string = imported.publicKey.arn;
      await aws(b, "ssm", "PutParameter", { Name: b.config.parameterName, Value: JSON.stringify({ arn }), Type: "String", Tier: "Standard", DataType: "text", Overwrite: true });
      if (oldArn) {
        await aws(b, "ivs-realtime", "DeletePublicKey", { arn: oldArn }).catch((e) => {
          if ((e as { code?: string }).code !== "ResourceNotFoundException") throw e;
        });
      }
      // The handler returns the ARN itself as the body: a bare string, not JSON.
      return new RawBody(arn);
    },

    async ListVps(b) {
      const items = (await b.vps.scan()).sort((x, y) => String(y.updatedAt ?? "").localeCompare(String(x.updatedAt ?? "")));
      return { message: `Found ${items.length} virtual participants`, totalCount: items.length, virtualParticipants: items };
    },

    async ListStages(b) {
      const items = await b.stages.scan();
      return { stages: items, count: items.length, scannedCount: items.length };
    },

    async StopVpTasks(b) {
      const wanted = new Set(["AVAILABLE", "PROVISIONING", "PENDING", "INVITED", "RUNNING"]);
      const items = await b.vps.scan((v) => wanted.has(v.status));
      const details: { vpId: string; taskId?: string; success: boolean; error?: string }[] = [];
      for (const vp of items) {
        try {
          await aws(b, "ecs", "StopTask", { cluster: b.config.clusterName, task: vp.taskId, reason: `User initiated via ${b.config.stack}-StopVpTasks.` });
          await b.vps.update(vp.id, (v) => ({ ...v, status: "STOPPED", ttl: ttl(), lastUpdateSource: "stop-vp-tasks-api", updatedAt: iso() }));
          details.push({ vpId: vp.id, taskId: vp.taskId, success: true });
        } catch (e) {
          details.push({ vpId: vp.id, taskId: vp.taskId, success: false, error: (e as Error).message });
        }
      }
      const ok = details.filter((d) => d.success).length;
      return {
        message: `Stopped ${ok} of ${details.length} virtual participant tasks`,
        summary: { totalFound: items.length, successfulStops: ok, failedStops: details.length - ok },
        details,
      };
    },
  };

  function lambdaResponse(status: number, body: string): Response {
    return new Response(body, { status, headers: { "content-type": "application/json", "x-amzn-requestid": crypto.randomUUID() } });
  }

  async function run(b: Backend, fn: (b: Backend, req: any) => Promise<unknown>, rawBody: string): Promise<Response> {
    try {
      // Function-URL and API Gateway events carry `body`; the handlers JSON.parse it (an empty body is no request fields).
      let req: unknown = {};
      if (rawBody.trim()) {
        try {
          req = JSON.parse(rawBody);
        } catch (e) {
          throw wrapped(500, (e as Error).message, e);
        }
      }
      const result = await fn(b, req);
      return lambdaResponse(200, result instanceof RawBody ? result.text : JSON.stringify(result));
    } catch (e) {
      if (e instanceof HandlerError) return lambdaResponse(e.statusCode, JSON.stringify(e.body));
      return lambdaResponse(500, JSON.stringify({ message: (e as Error).message ?? String(e) }));
    }
  }

  async function handleFunctionUrl(req: Request, url: URL, urlId: string): Promise<Response> {
    const found = allBackends().find((b) => b.config.urls[urlId]);
    // An unknown URL id: in AWS the host would not resolve; here, 404 like a missing route.
    if (!found) return Response.json({ Message: "Not Found" }, { status: 404 });
    const body = new Uint8Array(await req.arrayBuffer());
    const auth = await verifyFunctionUrlRequest(req, url, body, { region: found.config.region, secretAccessKey, now: o.now() });
    if (!auth.ok) {
      // urls-auth: an AWS_IAM function URL refuses an unauthenticated or unauthorized call with 403.
      return new Response(JSON.stringify({ Message: auth.reason === "Missing Authentication Token" ? "Forbidden" : auth.reason }), {
        status: 403,
        headers: { "content-type": "application/json", "x-amzn-errortype": auth.reason === "Missing Authentication Token" ? "AccessDeniedException" : "InvalidSignatureException" },
      });
    }
    return run(found, handlers[found.config.urls[urlId]!], new TextDecoder().decode(body));
  }

  async function handleRestApi(req: Request, apiId: string, rest: string): Promise<Response> {
    const found = allBackends().find((b) => b.config.apiId === apiId);
    if (!found || rest !== `${found.config.env}/stage/token`) return Response.json({ message: "Missing Authentication Token" }, { status: 403 });
    if (req.method === "OPTIONS") return new Response(null, { status: 204, headers: { "access-control-allow-origin": "*", "access-control-allow-methods": "POST,OPTIONS" } });
    if (req.method !== "POST") return Response.json({ message: "Missing Authentication Token" }, { status: 403 });
    return run(found, createParticipantToken, await req.text());
  }

  // ---- the background: stream sync, TTL, warm pool, task-state events, containers -----------

  async function syncState(b: Backend): Promise<void> {
    // UpdateVpState -> AppSync `updateVirtualParticipantState` -> PutItem of the input only: it drops
    // createdAt, ttl, metadata and lastError, and keeps only whip and events of stageEndpoints.
    for (const id of [...b.pendingSync]) {
      b.pendingSync.delete(id);
      const vp = b.vps.peek(id);
      if (!vp) continue;
      const rewritten: VpRecord = { id: vp.id, status: vp.status };
      if (vp.running !== undefined) rewritten.running = vp.running;
      if (vp.stageArn !== undefined) rewritten.stageArn = vp.stageArn;
      if (vp.stageEndpoints !== undefined) {
        const e: Record<string, string> = {};
        if (vp.stageEndpoints.whip !== undefined) e.whip = vp.stageEndpoints.whip;
        if (vp.stageEndpoints.events !== undefined) e.events = vp.stageEndpoints.events;
        rewritten.stageEndpoints = e;
      }
      if (vp.taskId !== undefined) rewritten.taskId = vp.taskId;
      if (vp.updatedAt !== undefined) rewritten.updatedAt = vp.updatedAt;
      if (vp.assetName !== undefined) rewritten.assetName = vp.assetName;
      if (vp.lastUpdateSource !== undefined) rewritten.lastUpdateSource = vp.lastUpdateSource;
      b.vps.putNow(rewritten);
    }
  }

  function expire(b: Backend): void {
    const nowS = o.now().getTime() / 1000;
    for (const t of [b.stages, b.vps] as unknown as Table<{ id: string; ttl?: number }>[]) for (const item of t.all()) if (typeof item.ttl === "number" && item.ttl < nowS) o.store.delete(t.kind, item.id);
  }

  async function manageWarmPool(b: Backend): Promise<void> {
    const active = new Set(["AVAILABLE", "PROVISIONING", "PENDING", "RUNNING"]);
    const warm = await b.vps.scan((v) => active.has(v.status));
    if (warm.length > MAX_WARM_VPS) {
      for (const vp of warm.filter((v) => v.status === "AVAILABLE").slice(0, warm.length - MAX_WARM_VPS)) {
        await aws(b, "ecs", "StopTask", { cluster: b.config.clusterName, task: vp.taskId, reason: "Scaling down warm pool" }).catch(() => undefined);
        await b.vps.update(vp.id, (v) => ({ ...v, status: "STOPPED", ttl: ttl(), updatedAt: iso(), lastUpdateSource: "warm-pool-manager" }));
      }
    }
    for (let i = warm.length; i < MIN_WARM_VPS; i++) {
      const vpId = crypto.randomUUID();
      const c = b.config;
      const out = await aws(b, "ecs", "RunTask", {
        cluster: c.clusterName,
        taskDefinition: c.taskDefinitionArn,
        count: 1,
        launchType: "FARGATE",
        enableECSManagedTags: true,
        propagateTags: "TASK_DEFINITION",
        startedBy: `${c.stack}-ManageWarmVpPool`,
        tags: [{ key: "stack", value: c.stack }],
        overrides: { containerOverrides: [{ name: c.vpContainer, environment: [{ name: "VP_ID", value: vpId }] }] },
        networkConfiguration: { awsvpcConfiguration: { subnets: c.egressSubnets, securityGroups: [c.securityGroup], assignPublicIp: "ENABLED" } },
      });
      const task = out.tasks?.[0];
      if (!task) continue;
      const now = iso();
      b.containers.set(task.taskArn, { taskArn: task.taskArn, vpId, ready: false, exited: false });
      await b.vps.put({ id: vpId, status: "PROVISIONING", taskId: String(task.taskArn).split("/").pop()!, stageArn: UNASSIGNED, stageEndpoints: {}, createdAt: now, updatedAt: now, lastUpdateSource: "warm-pool-manager" });
    }
  }

  /** The task-state rule: every change of a cluster task's lastStatus reaches UpdateTaskFromEvents. */
  async function deliverTaskEvents(b: Backend): Promise<void> {
    const arns = new Set<string>(b.containers.keys());
    for (const vp of b.vps.all()) if (vp.taskId && vp.status !== "STOPPED") arns.add(`arn:aws:ecs:${b.config.region}:${b.config.clusterArn.split(":")[4]}:task/${b.config.clusterName}/${vp.taskId}`);
    const list = [...arns];
    for (let i = 0; i < list.length; i += 100) {
      const out = await aws(b, "ecs", "DescribeTasks", { cluster: b.config.clusterName, tasks: list.slice(i, i + 100) });
      for (const task of out.tasks ?? []) {
        const status = String(task.lastStatus);
        if (b.delivered.get(task.taskArn) === status) continue;
        b.delivered.set(task.taskArn, status);
        if (!b.containers.has(task.taskArn)) {
          const env = (task.overrides?.containerOverrides ?? []).find((x: { name?: string }) => x.name === b.config.vpContainer)?.environment ?? [];
          const vpId = env.find((e: { name: string }) => e.name === "VP_ID")?.value;
          const rec = vpId ? b.vps.peek(vpId) : undefined;
          b.containers.set(task.taskArn, { taskArn: task.taskArn, vpId, ready: Boolean(rec && !["PROVISIONING", "PENDING", "RUNNING"].includes(rec.status)), exited: false });
        }
        const container = b.containers.get(task.taskArn)!;
        if (status !== "RUNNING" && status !== "PENDING" && status !== "PROVISIONING") {
          container.exited = true;
          if (container.joined) {
            leaveStage(o.store, container.joined.stageArn, container.joined.participantId, o.now());
            container.joined = undefined;
          }
        }
        await updateTaskFromEvent(b, String(task.taskArn).split("/").pop()!, status);
        if (status === "STOPPED") {
          b.containers.delete(task.taskArn);
          b.delivered.delete(task.taskArn);
        }
      }
    }
  }

  /** updateVpTask.ts. */
  async function updateTaskFromEvent(b: Backend, taskId: string, status: string): Promise<void> {
    const [vp] = await b.vps.query("taskId", taskId);
    if (!vp) return; // "No virtual participant exists…"
    await b.vps.update(vp.id, (v) => {
      const next: VpRecord = { ...v, status, lastUpdateSource: "ecs-task-state-change", updatedAt: iso() };
      if (status === "RUNNING") next.running = "yes";
      else delete next.running;
      if (status === "STOPPED") Object.assign(next, { stageArn: UNASSIGNED, stageEndpoints: {}, ttl: ttl() });
      return next;
    });
  }

  /** What the VP container does (websocket-server.ts and the page), one step per tick. */
  async function stepContainer(b: Backend, c: Container): Promise<void> {
    if (b.paused || c.exited || !c.vpId || b.delivered.get(c.taskArn) !== "RUNNING") return;
    const exists = (v: VpRecord | undefined) => v !== undefined;
    if (!c.ready) {
      // vp.ready: UpdateItem status=AVAILABLE, condition attribute_exists(id).
      await b.vps.update(c.vpId, (v) => ({ ...v, status: "AVAILABLE", lastUpdateSource: "vp-server", updatedAt: iso() }), exists).catch(() => undefined);
      c.ready = true;
      return;
    }
    const vp = b.vps.peek(c.vpId);
    if (!vp) return;
    if (c.joined) {
      // A DisconnectParticipant (STAGE_LEFT, PARTICIPANT_DISCONNECTED) makes the page shut the task down.
      if (o.store.get(RT_KIND.revoked, `${c.joined.stageArn}|${c.joined.participantId}`)) {
        c.exited = true;
        exitTask(c.taskArn);
        return;
      }
    }
    if (vp.status === "INVITED" && vp.lastUpdateSource !== "vp-server" && c.invitedAt !== vp.updatedAt) {
      c.invitedAt = vp.updatedAt;
      const stageArn = String(vp.stageArn);
      try {
        const [stage] = await b.stages.scan((s) => s.stageArn === stageArn);
        if (!stage) throw new Error(`no stage record for ${stageArn}`);
        const res = await run(b, createParticipantToken, JSON.stringify({ id: stage.id, userId: c.vpId, allowPublish: true, attributes: { isVP: "true", username: "Virtual Participant" } }));
        const body = JSON.parse(await res.text());
        if (res.status !== 200) throw new Error(`CreateIvsParticipantToken: ${body.message}${body.cause ? `: ${body.cause.message}` : ""}`);
        const joined = joinStage(o.store, stageArn, { token: body.token }, o.now());
        c.joined = { stageArn, participantId: joined.participantId };
        await b.vps.update(c.vpId, (v) => ({ ...v, status: "JOINED", lastUpdateSource: "vp-server", updatedAt: iso() }), exists).catch(() => undefined);
      } catch (e) {
        await b.vps.update(c.vpId, (v) => ({ ...v, status: "ERRORED", lastError: (e as Error).message, lastUpdateSource: "vp-server", updatedAt: iso() }), exists).catch(() => undefined);
      }
      return;
    }
    if (vp.status === "KICKED" && vp.lastUpdateSource !== "vp-server") {
      if (c.joined) leaveStage(o.store, c.joined.stageArn, c.joined.participantId, o.now());
      c.joined = undefined;
      // vp.left_stage: AVAILABLE and unassigned.
      await b.vps.update(c.vpId, (v) => ({ ...v, status: "AVAILABLE", stageArn: UNASSIGNED, lastUpdateSource: "vp-server", updatedAt: iso() }), exists).catch(() => undefined);
    }
  }

  /** The container's process exits (supervisorctl shutdown): ECS sees the essential container exit. */
  function exitTask(taskArn: string): void {
    // ecs.ts keeps a planned stop in the task document's `_stop`; the task then goes STOPPING,
    // DEPROVISIONING, STOPPED like any exited Fargate task.
    o.store.update<Record<string, unknown>>(ECS_KIND.task, taskArn, (t) =>
      t._stop ? t : { ...t, _stop: { at: o.now().getTime(), stopCode: "EssentialContainerExited", reason: "Essential container in task exited", exitCode: 0 } },
    );
  }

  async function tick(): Promise<void> {
    if (busy) return;
    busy = true;
    try {
      for (const b of allBackends()) {
        await syncState(b);
        expire(b);
        await manageWarmPool(b);
        await deliverTaskEvents(b);
        for (const c of [...b.containers.values()]) await stepContainer(b, c);
      }
    } finally {
      busy = false;
    }
  }

  return {
    handle(req, url) {
      const fn = /^\/lambda-url\/([a-z0-9]{32})\/?$/.exec(url.pathname);
      if (fn) return handleFunctionUrl(req, url, fn[1]!);
      const api = /^\/execute-api\/([a-z0-9]+)\/(.+)$/.exec(url.pathname);
      if (api) return handleRestApi(req, api[1]!, api[2]!.replace(/\/$/, ""));
      return undefined;
    },
    inspect(route, req) {
      const m = /^vp-sample\/([^/]+)\/(records|containers)$/.exec(route);
      if (!m) return undefined;
      return (async () => {
        const b = backendOf(decodeURIComponent(m[1]!));
        if (!b) return Response.json({ error: `no VP-sample stack ${m[1]}` }, { status: 404 });
        if (m[2] === "records") return Response.json({ stages: b.stages.all(), virtualParticipants: b.vps.all() });
        if (req.method === "POST") {
          const body = (await req.json().catch(() => ({}))) as { paused?: unknown };
          if (typeof body.paused !== "boolean") return Response.json({ error: 'body must be {"paused": true|false}' }, { status: 400 });
          b.paused = body.paused;
        }
        return Response.json({ paused: b.paused, containers: b.containers.size });
      })();
    },
    tick,
    start() {
      timer ??= setInterval(() => {
        tick().catch(() => undefined); // the store closed while stopping, or a transient error: next tick retries
      }, tickMs);
      (timer as { unref?: () => void }).unref?.();
    },
    stop() {
      if (timer) clearInterval(timer);
      timer = undefined;
    },
  };
}

/** A handler result sent as is (RotateKeyPair's bare ARN), not JSON-encoded. */
class RawBody {
  constructor(readonly text: string) {}
}
