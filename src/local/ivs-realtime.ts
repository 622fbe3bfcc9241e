/**
 * Amazon IVS real-time in the emulator: stages (with endpoints), participant tokens, participants and
 * stage sessions, public keys (with fingerprint), DisconnectParticipant, tags.
 *
 * Joining is what a client SDK does against IVS; here `joinStage` / `leaveStage` stand in for it
 * (exposed at POST /_ivsctl/stages/join|leave, and exported for the virtual-participant emulator).
 * A join verifies the token the way IVS does (src/local/participant-tokens.ts): an ES384 JWT signed
 * by the emulator's service key (API tokens) or by the imported public key its `kid` names
 * (self-signed), unexpired, living at most 14 days, with every required claim of the right type,
 * `resource` the stage ARN and `topic` the stage id.
 */
import { createHash, createPublicKey } from "node:crypto";
import { parseArn } from "../contract/arn.ts";
import { conflict, notFound, quotaExceeded, validation } from "./errors.ts";
import { arnFor, paginate, randomId } from "./ids.ts";
import { tagOperations } from "./ivs.ts";
import { signApiToken, TokenError, verifyParticipantToken, type TokenClaims, type TokenProblem } from "./participant-tokens.ts";
import type { EmulatedService, RequestContext } from "./service.ts";
import type { Store } from "./store.ts";

export const RT_KIND = {
  stage: "ivs-realtime:stage",
  session: "ivs-realtime:session",
  participant: "ivs-realtime:participant",
  revoked: "ivs-realtime:revoked",
  publicKey: "ivs-realtime:public-key",
  participantEvent: "ivs-realtime:participant-event",
} as const;

/** ARN resource type -> store kind, for tags. Ingest configurations live in their own file's kind. */
const KIND_BY_RESOURCE_TYPE: Record<string, string> = {
  stage: RT_KIND.stage,
  "public-key": RT_KIND.publicKey,
  "ingest-configuration": "ivs-realtime:ingest-configuration",
};

export interface StageDoc {
  arn: string;
  name: string;
  activeSessionId?: string;
  tags: Record<string, string>;
  autoParticipantRecordingConfiguration?: Record<string, unknown>;
  endpoints: { events: string; whip: string; rtmp: string; rtmps: string };
}

export interface SessionDoc {
  stageArn: string;
  sessionId: string;
  startTime: string;
  endTime?: string;
}

export interface ParticipantDoc {
  stageArn: string;
  sessionId: string;
  participantId: string;
  userId: string;
  state: "CONNECTED" | "DISCONNECTED";
  firstJoinTime: string;
  attributes: Record<string, string>;
  published: boolean;
  protocol: string;
  recordingState: string;
  /** Set for a publisher that came in through an RTMP(S) ingest configuration (GetParticipant shows it). */
  ingestConfigurationArn?: string;
  /** How the participant got in: "api" token or "self-signed" (with the kid). Not an API field. */
  tokenKind?: string;
  kid?: string;
}

/** CreateParticipantToken's participantToken (IVS real-time API reference, ParticipantToken). */
export interface ParticipantTokenOut {
  token: string;
  participantId: string;
  userId: string;
  attributes: Record<string, string>;
  capabilities: string[];
  duration: number;
  expirationTime: string;
}

export interface PublicKeyDoc {
  arn: string;
  name: string;
  publicKeyMaterial: string;
  fingerprint: string;
  tags: Record<string, string>;
}

const MAX_STAGES = 1000;
const MAX_PUBLIC_KEYS = 100;

const participantKey = (stageArn: string, sessionId: string, participantId: string) => `${stageArn}|${sessionId}|${participantId}`;
const sessionKey = (stageArn: string, sessionId: string) => `${stageArn}|${sessionId}`;

export function getStageDoc(store: Store, arn: string): StageDoc {
  const s = store.get<StageDoc>(RT_KIND.stage, arn);
  if (!s) throw notFound(`Stage not found: ${arn}`);
  return s;
}

function endpointsFor(ctx: RequestContext, id: string): StageDoc["endpoints"] {
  const http = ctx.world.httpHost;
  const ingest = ctx.world.ingestHost || http;
  return {
    events: `ws://${http}/_ivsctl/stages/events/${id}`,
    whip: `http://${http}/_ivsctl/stages/whip/${id}`,
    rtmp: `rtmp://${ingest}/app/`,
    rtmps: `rtmps://${ingest}/app/`,
  };
}

function checkAttributes(attrs: Record<string, string> | undefined): void {
  let n = 0;
  for (const [k, v] of Object.entries(attrs ?? {})) n += Buffer.byteLength(k) + Buffer.byteLength(String(v));
  if (n > 1024) throw validation(`attributes exceed 1 KB (${n} bytes)`);
}

/**
 * An API token: a JWT with the claims of a self-signed one, signed by the emulator's service key
 * (src/local/participant-tokens.ts). Nothing is stored: the token carries everything join needs.
 */
async function issueToken(ctx: RequestContext, stage: StageDoc, input: any): Promise<ParticipantTokenOut> {
  checkAttributes(input.attributes);
  if (input.userId !== undefined && [...String(input.userId)].length > 128) throw validation("userId exceeds 128 characters");
  const duration = input.duration ?? 720;
  if (!Number.isInteger(duration) || duration < 1 || duration > 20160) throw validation("duration must be between 1 and 20160 minutes");
  const capabilities: string[] = input.capabilities ?? ["PUBLISH", "SUBSCRIBE"];
  const now = ctx.now();
  const iat = Math.floor(now.getTime() / 1000);
  const participantId = randomId();
  const claims: TokenClaims = {
    exp: iat + duration * 60,
    iat,
    jti: participantId,
    resource: stage.arn,
    topic: stageIdOf(stage.arn),
    events_url: stage.endpoints.events,
    whip_url: stage.endpoints.whip,
    capabilities: { allow_publish: capabilities.includes("PUBLISH"), allow_subscribe: capabilities.includes("SUBSCRIBE") },
    version: "1.0",
  };
  if (input.userId !== undefined) claims.user_id = input.userId;
  if (input.attributes !== undefined) claims.attributes = input.attributes;
  return {
    token: await signApiToken(ctx.store, claims, now),
    participantId,
    userId: input.userId ?? "",
    attributes: input.attributes ?? {},
    capabilities,
    duration,
    expirationTime: new Date(claims.exp * 1000).toISOString(),
  };
}

const stageIdOf = (stageArn: string) => parseArn(stageArn)?.resourceId ?? stageArn.split("/").pop()!;

function summary(s: StageDoc) {
  return { arn: s.arn, name: s.name, activeSessionId: s.activeSessionId, tags: s.tags };
}

async function createStage(input: any, ctx: RequestContext) {
  if (ctx.store.count(RT_KIND.stage) >= MAX_STAGES) throw quotaExceeded("Stage quota exceeded");
  const configs: any[] = input.participantTokenConfigurations ?? [];
  if (configs.length > 12) throw validation("At most 12 participantTokenConfigurations");
  for (const c of configs) {
    checkAttributes(c.attributes);
  }
  const id = randomId();
  const stage: StageDoc = {
    arn: arnFor("ivs", ctx.region, "stage", id),
    name: input.name ?? "",
    tags: input.tags ?? {},
    autoParticipantRecordingConfiguration: input.autoParticipantRecordingConfiguration ?? { storageConfigurationArn: "", mediaTypes: ["AUDIO_VIDEO"] },
    endpoints: endpointsFor(ctx, id),
  };
  ctx.store.put(RT_KIND.stage, stage.arn, stage);
  const participantTokens = [];
  for (const c of configs) participantTokens.push(await issueToken(ctx, stage, c));
  return { stage, participantTokens };
}

function deleteStage(input: any, ctx: RequestContext) {
  const stage = getStageDoc(ctx.store, input.arn);
  for (const p of ctx.store.list<ParticipantDoc>(RT_KIND.participant)) {
    if (p.stageArn === stage.arn && p.state === "CONNECTED") {
      ctx.store.put(RT_KIND.participant, participantKey(p.stageArn, p.sessionId, p.participantId), { ...p, state: "DISCONNECTED" });
    }
  }
  if (stage.activeSessionId) endSession(ctx.store, stage.arn, stage.activeSessionId, ctx.now());
  ctx.store.delete(RT_KIND.stage, stage.arn);
  return {};
}

function updateStage(input: any, ctx: RequestContext) {
  const stage = getStageDoc(ctx.store, input.arn);
  const next = { ...stage };
  if (input.name !== undefined) next.name = input.name;
  if (input.autoParticipantRecordingConfiguration !== undefined) next.autoParticipantRecordingConfiguration = input.autoParticipantRecordingConfiguration;
  ctx.store.put(RT_KIND.stage, next.arn, next);
  return { stage: next };
}

function listStages(input: any, ctx: RequestContext) {
  const { page, nextToken } = paginate(ctx.store.list<StageDoc>(RT_KIND.stage), input.nextToken, input.maxResults, 50);
  return { stages: page.map(summary), nextToken };
}

async function createParticipantToken(input: any, ctx: RequestContext) {
  const stage = getStageDoc(ctx.store, input.stageArn);
  return { participantToken: await issueToken(ctx, stage, input) };
}

function sessionsOf(store: Store, stageArn: string): SessionDoc[] {
  return store
    .list<SessionDoc>(RT_KIND.session)
    .filter((s) => s.stageArn === stageArn)
    .sort((a, b) => b.startTime.localeCompare(a.startTime));
}

function listStageSessions(input: any, ctx: RequestContext) {
  getStageDoc(ctx.store, input.stageArn);
  const { page, nextToken } = paginate(sessionsOf(ctx.store, input.stageArn), input.nextToken, input.maxResults, 50);
  return { stageSessions: page.map(({ sessionId, startTime, endTime }) => ({ sessionId, startTime, endTime })), nextToken };
}

function getStageSession(input: any, ctx: RequestContext) {
  getStageDoc(ctx.store, input.stageArn);
  const s = ctx.store.get<SessionDoc>(RT_KIND.session, sessionKey(input.stageArn, input.sessionId));
  if (!s) throw notFound(`Stage session not found: ${input.sessionId}`);
  return { stageSession: { sessionId: s.sessionId, startTime: s.startTime, endTime: s.endTime } };
}

function participantView(p: ParticipantDoc) {
  const { stageArn: _s, sessionId: _i, tokenKind: _k, kid: _kid, ...rest } = p;
  return rest;
}

function listParticipants(input: any, ctx: RequestContext) {
  getStageDoc(ctx.store, input.stageArn);
  if (!ctx.store.get<SessionDoc>(RT_KIND.session, sessionKey(input.stageArn, input.sessionId))) throw notFound(`Stage session not found: ${input.sessionId}`);
  const filters = [input.filterByUserId, input.filterByPublished, input.filterByState, input.filterByRecordingState].filter((f) => f !== undefined);
  if (filters.length > 1) throw validation("Only one filter may be used at a time");
  let ps = ctx.store.list<ParticipantDoc>(RT_KIND.participant).filter((p) => p.stageArn === input.stageArn && p.sessionId === input.sessionId);
  if (input.filterByUserId !== undefined) ps = ps.filter((p) => p.userId === input.filterByUserId);
  if (input.filterByPublished !== undefined) ps = ps.filter((p) => p.published === input.filterByPublished);
  if (input.filterByState !== undefined) ps = ps.filter((p) => p.state === input.filterByState);
  if (input.filterByRecordingState !== undefined) ps = ps.filter((p) => p.recordingState === input.filterByRecordingState);
  const { page, nextToken } = paginate(ps, input.nextToken, input.maxResults, 50);
  return {
    participants: page.map((p) => ({ participantId: p.participantId, userId: p.userId, state: p.state, firstJoinTime: p.firstJoinTime, published: p.published, recordingState: p.recordingState })),
    nextToken,
  };
}

function getParticipant(input: any, ctx: RequestContext) {
  getStageDoc(ctx.store, input.stageArn);
  const p = ctx.store.get<ParticipantDoc>(RT_KIND.participant, participantKey(input.stageArn, input.sessionId, input.participantId));
  if (!p) throw notFound(`Participant not found: ${input.participantId}`);
  return { participant: participantView(p) };
}

function disconnectParticipant(input: any, ctx: RequestContext) {
  const stage = getStageDoc(ctx.store, input.stageArn);
  // Disconnecting also revokes the participant: its token cannot join this stage again.
  ctx.store.put(RT_KIND.revoked, `${stage.arn}|${input.participantId}`, { stageArn: stage.arn, participantId: input.participantId, reason: input.reason ?? "" });
  const connected = stage.activeSessionId
    ? ctx.store.get<ParticipantDoc>(RT_KIND.participant, participantKey(stage.arn, stage.activeSessionId, input.participantId))
    : undefined;
  if (!connected || connected.state !== "CONNECTED") throw notFound(`Participant ${input.participantId} is not connected to the stage`);
  leaveStage(ctx.store, stage.arn, input.participantId, ctx.now());
  return {};
}

// ---- public keys --------------------------------------------------------------------------

function fingerprintOf(pem: string): string {
  const der = createPublicKey(pem).export({ type: "spki", format: "der" });
  return createHash("md5").update(der).digest("hex").match(/../g)!.join(":");
}

function importPublicKey(input: any, ctx: RequestContext) {
  let key;
  try {
    key = createPublicKey(input.publicKeyMaterial);
  } catch {
    throw validation("publicKeyMaterial is not a valid PEM public key");
  }
  if (key.asymmetricKeyType !== "ec" || key.asymmetricKeyDetails?.namedCurve !== "secp384r1") {
    throw validation("publicKeyMaterial must be an ECDSA P-384 public key");
  }
  const all = ctx.store.list<PublicKeyDoc>(RT_KIND.publicKey);
  if (all.length >= MAX_PUBLIC_KEYS) throw quotaExceeded("Public key quota exceeded");
  const fingerprint = fingerprintOf(input.publicKeyMaterial);
  if (all.some((k) => k.fingerprint === fingerprint)) throw conflict("A public key with this material is already imported");
  const doc: PublicKeyDoc = {
    arn: arnFor("ivs", ctx.region, "public-key", randomId()),
    name: input.name ?? "",
    publicKeyMaterial: input.publicKeyMaterial,
    fingerprint,
    tags: input.tags ?? {},
  };
  ctx.store.put(RT_KIND.publicKey, doc.arn, doc);
  return { publicKey: doc };
}

function getPublicKey(input: any, ctx: RequestContext) {
  const k = ctx.store.get<PublicKeyDoc>(RT_KIND.publicKey, input.arn);
  if (!k) throw notFound(`Public key not found: ${input.arn}`);
  return { publicKey: k };
}

function listPublicKeys(input: any, ctx: RequestContext) {
  const { page, nextToken } = paginate(ctx.store.list<PublicKeyDoc>(RT_KIND.publicKey), input.nextToken, input.maxResults, 50);
  return { publicKeys: page.map(({ arn, name, tags }) => ({ arn, name, tags })), nextToken };
}

function deletePublicKey(input: any, ctx: RequestContext) {
  if (!ctx.store.get(RT_KIND.publicKey, input.arn)) throw notFound(`Public key not found: ${input.arn}`);
  ctx.store.delete(RT_KIND.publicKey, input.arn);
  return {};
}

function taggable(ctx: RequestContext, arn: string) {
  const kind = KIND_BY_RESOURCE_TYPE[parseArn(arn)?.resourceType ?? ""];
  const doc = kind ? ctx.store.get<{ tags?: Record<string, string> }>(kind, arn) : undefined;
  if (!kind || !doc) throw notFound(`Resource not found: ${arn}`);
  return { kind, doc };
}

// ---- joining and leaving (what a client SDK does) -------------------------------------------

/** Why a join was refused; `reason` is stable for tests and the demo. */
export class JoinError extends Error {
  constructor(
    readonly reason: TokenProblem | "STAGE_MISMATCH" | "STAGE_NOT_FOUND" | "PARTICIPANT_REVOKED" | "PARTICIPANT_MISMATCH" | "PUBLISH_NOT_ALLOWED",
    message: string,
  ) {
    super(message);
  }
}

export interface JoinInput {
  token: string;
  /** When given, must match the token's participant. */
  participantId?: string;
  /** Override the token's user id / attributes (self-signed tokens carry their own). */
  userId?: string;
  attributes?: Record<string, string>;
  /** The participant joins to publish (WHIP): the token must carry capabilities.allow_publish. */
  publish?: boolean;
}

export interface JoinResult {
  stageArn: string;
  sessionId: string;
  participantId: string;
  userId: string;
  tokenKind: "api" | "self-signed";
  kid?: string;
  state: "CONNECTED";
}

function endSession(store: Store, stageArn: string, sessionId: string, now: Date): void {
  store.update<SessionDoc>(RT_KIND.session, sessionKey(stageArn, sessionId), (s) => ({ ...s, endTime: s.endTime ?? now.toISOString() }));
  store.update<StageDoc>(RT_KIND.stage, stageArn, (s) => {
    const { activeSessionId: _a, ...rest } = s;
    return s.activeSessionId === sessionId ? (rest as StageDoc) : s;
  });
}

/** What the token says, once verified: the stage it is for, the participant, and who signed it. */
function verifyToken(store: Store, token: string, now: Date): { stageArn: string; participantId: string; userId: string; attributes: Record<string, string>; tokenKind: "api" | "self-signed"; kid?: string; canPublish: boolean } {
  let v;
  try {
    v = verifyParticipantToken(store, token, (kid) => store.get<PublicKeyDoc>(RT_KIND.publicKey, kid)?.publicKeyMaterial, now);
  } catch (e) {
    if (e instanceof TokenError) throw new JoinError(e.reason, e.message);
    throw e;
  }
  const c = v.claims;
  const arn = parseArn(c.resource);
  if (!arn || arn.service !== "ivs" || arn.resourceType !== "stage") throw new JoinError("INVALID_CLAIMS", `claim resource is not a stage ARN: ${c.resource}`);
  if (c.topic !== arn.resourceId) throw new JoinError("INVALID_CLAIMS", `claim topic ${JSON.stringify(c.topic)} is not the stage id ${arn.resourceId}`);
  const tokenKind = v.signer === "service" ? "api" : "self-signed";
  return { stageArn: c.resource, participantId: c.jti, userId: c.user_id ?? "", attributes: c.attributes ?? {}, tokenKind, kid: tokenKind === "self-signed" ? v.kid : undefined, canPublish: c.capabilities.allow_publish };
}

/**
 * A participant joins a stage with a token: verified as IVS does, then listed as CONNECTED in the
 * stage's active session (a session starts with the first participant). Throws JoinError.
 */
export function joinStage(store: Store, stageArn: string | undefined, input: JoinInput, now: Date = new Date()): JoinResult {
  const v = verifyToken(store, input.token, now);
  if (stageArn && v.stageArn !== stageArn) throw new JoinError("STAGE_MISMATCH", `token is for ${v.stageArn}, not ${stageArn}`);
  const stage = store.get<StageDoc>(RT_KIND.stage, v.stageArn);
  if (!stage) throw new JoinError("STAGE_NOT_FOUND", `stage ${v.stageArn} does not exist`);
  if (input.participantId && input.participantId !== v.participantId) throw new JoinError("PARTICIPANT_MISMATCH", `token is for participant ${v.participantId}`);
  if (input.publish && !v.canPublish) throw new JoinError("PUBLISH_NOT_ALLOWED", `the token of participant ${v.participantId} does not allow publishing (capabilities.allow_publish is false)`);
  if (store.get(RT_KIND.revoked, `${stage.arn}|${v.participantId}`)) throw new JoinError("PARTICIPANT_REVOKED", `participant ${v.participantId} was disconnected from this stage`);
  const sessionId = activeSession(store, stage, now);
  const id = participantKey(stage.arn, sessionId, v.participantId);
  const existing = store.get<ParticipantDoc>(RT_KIND.participant, id);
  const doc: ParticipantDoc = {
    stageArn: stage.arn,
    sessionId,
    participantId: v.participantId,
    userId: input.userId ?? v.userId,
    state: "CONNECTED",
    firstJoinTime: existing?.firstJoinTime ?? now.toISOString(),
    attributes: input.attributes ?? v.attributes,
    published: false,
    protocol: "WHIP",
    recordingState: "DISABLED",
    tokenKind: v.tokenKind,
    kid: v.kid,
  };
  store.put(RT_KIND.participant, id, doc);
  recordParticipantEvent(store, stage.arn, sessionId, v.participantId, "JOINED", now);
  return { stageArn: stage.arn, sessionId, participantId: v.participantId, userId: doc.userId, tokenKind: v.tokenKind, kid: v.kid, state: "CONNECTED" };
}

/** Media from a connected participant arrived: it is published (PUBLISH_STARTED). False when it is no longer connected. */
export function participantPublished(store: Store, stageArn: string, sessionId: string, participantId: string, now: Date): boolean {
  const id = participantKey(stageArn, sessionId, participantId);
  const p = store.get<ParticipantDoc>(RT_KIND.participant, id);
  if (!p || p.state !== "CONNECTED") return false;
  if (!p.published) {
    store.put(RT_KIND.participant, id, { ...p, published: true });
    recordParticipantEvent(store, stageArn, sessionId, participantId, "PUBLISH_STARTED", now);
  }
  return true;
}

/** Whether the participant is still CONNECTED in that session (DisconnectParticipant, DeleteStage end it). */
export function participantConnected(store: Store, stageArn: string, sessionId: string, participantId: string): boolean {
  return store.get<ParticipantDoc>(RT_KIND.participant, participantKey(stageArn, sessionId, participantId))?.state === "CONNECTED";
}

/** The stage's active session; the first participant starts one. */
function activeSession(store: Store, stage: StageDoc, now: Date): string {
  if (stage.activeSessionId) return stage.activeSessionId;
  const sessionId = `st-${randomId(13)}`;
  store.put<SessionDoc>(RT_KIND.session, sessionKey(stage.arn, sessionId), { stageArn: stage.arn, sessionId, startTime: now.toISOString() });
  store.put<StageDoc>(RT_KIND.stage, stage.arn, { ...stage, activeSessionId: sessionId });
  return sessionId;
}

// ---- participant events (ListParticipantEvents) --------------------------------------------

export interface ParticipantEventDoc {
  stageArn: string;
  sessionId: string;
  participantId: string;
  /** EventName of the real-time API model: JOINED, LEFT, PUBLISH_STARTED, PUBLISH_STOPPED, PUBLISH_ERROR, … */
  name: string;
  eventTime: string;
  /** EventErrorCode, for error events (e.g. BITRATE_EXCEEDED, B_FRAME_PRESENT, RESOLUTION_EXCEEDED). */
  errorCode?: string;
}

export function recordParticipantEvent(store: Store, stageArn: string, sessionId: string, participantId: string, name: string, now: Date, errorCode?: string): void {
  const doc: ParticipantEventDoc = { stageArn, sessionId, participantId, name, eventTime: now.toISOString(), ...(errorCode ? { errorCode } : {}) };
  store.put(RT_KIND.participantEvent, `${participantKey(stageArn, sessionId, participantId)}|${store.next("participant-event")}`, doc);
}

function listParticipantEvents(input: any, ctx: RequestContext) {
  getStageDoc(ctx.store, input.stageArn);
  const events = ctx.store
    .list<ParticipantEventDoc>(RT_KIND.participantEvent)
    .filter((e) => e.stageArn === input.stageArn && e.sessionId === input.sessionId && e.participantId === input.participantId);
  const { page, nextToken } = paginate(events, input.nextToken, input.maxResults, 50);
  return { events: page.map(({ name, participantId, eventTime, errorCode }) => ({ name, participantId, eventTime, ...(errorCode ? { errorCode } : {}) })), nextToken };
}

// ---- RTMP(S) ingest publishers (src/local/rtmp/listener.ts) ----------------------------------

/**
 * A publisher with an ingest configuration's key started sending media: it is a participant of the
 * configuration's stage (IVS real-time user guide, "IVS RTMP Publishing": "the media will be
 * published to the stage as a participant"), with the configuration's participant id and user id.
 */
export function ingestPublisherJoined(store: Store, config: { arn: string; stageArn: string; participantId: string; userId: string; attributes: Record<string, string> }, now: Date): boolean {
  const stage = config.stageArn ? store.get<StageDoc>(RT_KIND.stage, config.stageArn) : undefined;
  if (!stage) return false;
  const sessionId = activeSession(store, stage, now);
  const id = participantKey(stage.arn, sessionId, config.participantId);
  const existing = store.get<ParticipantDoc>(RT_KIND.participant, id);
  store.put<ParticipantDoc>(RT_KIND.participant, id, {
    stageArn: stage.arn,
    sessionId,
    participantId: config.participantId,
    userId: config.userId,
    state: "CONNECTED",
    firstJoinTime: existing?.firstJoinTime ?? now.toISOString(),
    attributes: config.attributes,
    published: true,
    protocol: "RTMPS",
    recordingState: "DISABLED",
    ingestConfigurationArn: config.arn,
  });
  recordParticipantEvent(store, stage.arn, sessionId, config.participantId, "JOINED", now);
  recordParticipantEvent(store, stage.arn, sessionId, config.participantId, "PUBLISH_STARTED", now);
  return true;
}

/** The ingest publisher left, or was disconnected for breaking a media rule (errorCode: a PUBLISH_ERROR first). */
export function ingestPublisherLeft(store: Store, config: { stageArn: string; participantId: string }, now: Date, errorCode?: string): void {
  const stage = config.stageArn ? store.get<StageDoc>(RT_KIND.stage, config.stageArn) : undefined;
  const sessionId = stage?.activeSessionId;
  if (!stage || !sessionId) return;
  const p = store.get<ParticipantDoc>(RT_KIND.participant, participantKey(stage.arn, sessionId, config.participantId));
  if (!p || p.state !== "CONNECTED") return;
  if (errorCode) recordParticipantEvent(store, stage.arn, sessionId, config.participantId, "PUBLISH_ERROR", now, errorCode);
  recordParticipantEvent(store, stage.arn, sessionId, config.participantId, "PUBLISH_STOPPED", now);
  leaveStage(store, stage.arn, config.participantId, now);
}

/** A participant leaves (or is disconnected); the session ends when nobody is left. */
export function leaveStage(store: Store, stageArn: string, participantId: string, now: Date = new Date()): boolean {
  const stage = store.get<StageDoc>(RT_KIND.stage, stageArn);
  if (!stage?.activeSessionId) return false;
  const sessionId = stage.activeSessionId;
  const id = participantKey(stageArn, sessionId, participantId);
  const p = store.get<ParticipantDoc>(RT_KIND.participant, id);
  if (!p || p.state !== "CONNECTED") return false;
  store.put(RT_KIND.participant, id, { ...p, state: "DISCONNECTED" });
  recordParticipantEvent(store, stageArn, sessionId, participantId, "LEFT", now);
  const stillThere = store.list<ParticipantDoc>(RT_KIND.participant).some((x) => x.stageArn === stageArn && x.sessionId === sessionId && x.state === "CONNECTED");
  if (!stillThere) endSession(store, stageArn, sessionId, now);
  return true;
}

/** POST /_ivsctl/stages/join {token, stageArn?, participantId?} and /_ivsctl/stages/leave {stageArn, participantId}. */
export async function handleStagesRoute(store: Store, route: string, req: Request): Promise<Response> {
  let body: any;
  try {
    body = await req.json();
  } catch {
    return Response.json({ error: "body is not JSON" }, { status: 400 });
  }
  if (route === "stages/join") {
    if (typeof body?.token !== "string") return Response.json({ error: "token is required" }, { status: 400 });
    try {
      return Response.json(joinStage(store, body.stageArn, { token: body.token, participantId: body.participantId, userId: body.userId, attributes: body.attributes }));
    } catch (e) {
      if (e instanceof JoinError) return Response.json({ error: e.message, reason: e.reason }, { status: 403 });
      throw e;
    }
  }
  if (route === "stages/leave") {
    const left = leaveStage(store, String(body?.stageArn ?? ""), String(body?.participantId ?? ""));
    return Response.json({ left }, { status: left ? 200 : 404 });
  }
  return new Response("not found", { status: 404 });
}

export const ivsRealtimeService: EmulatedService = {
  name: "ivs-realtime",
  protocol: "rest-json",
  operations: {
    CreateStage: createStage,
    GetStage: (input, ctx) => ({ stage: getStageDoc(ctx.store, input.arn) }),
    ListStages: listStages,
    UpdateStage: updateStage,
    DeleteStage: deleteStage,
    CreateParticipantToken: createParticipantToken,
    DisconnectParticipant: disconnectParticipant,
    ListParticipants: listParticipants,
    GetParticipant: getParticipant,
    ListStageSessions: listStageSessions,
    GetStageSession: getStageSession,
    ListParticipantEvents: listParticipantEvents,
    ImportPublicKey: importPublicKey,
    GetPublicKey: getPublicKey,
    ListPublicKeys: listPublicKeys,
    DeletePublicKey: deletePublicKey,
    ...tagOperations(taggable),
  },
};
