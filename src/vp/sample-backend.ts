/**
 * The VP-sample backend: ivsctl drives a deployed IVS real-time virtual-participant sample
 * (`aws-samples/sample-amazon-ivs-real-time-virtual-participant`) exactly as its scripts do, through
 * its function URLs (or, on PUBLIC_API=true stacks, its unauthenticated `POST /stage/{create,delete,
 * invite,kick}` routes), so its invariants stay in its own code: the conditional invite, the record
 * shapes, the warm pool. Keys are the exception: the sample's RotateKeyPair has no grace period and
 * no rollback, so `rotateKey` writes the sample's formats itself (see there).
 * Facts: /work/shared/vp-sample-contract.md. Every function takes its dependencies as arguments.
 */
import { generateKeyPairSync } from "node:crypto";
import type { IVSRealTimeClient } from "@aws-sdk/client-ivs-realtime";
import type { SecretsManagerClient } from "@aws-sdk/client-secrets-manager";
import type { SSMClient } from "@aws-sdk/client-ssm";
import { CliError, configError, notFoundError, stateError, toCliError, usageError } from "../cli/errors.ts";
import { pollUntil } from "../cli/wait.ts";
import { FunctionUrlError, type FunctionUrlInvoker } from "../aws/function-url.ts";
import { arnId, parseArn } from "../contract/arn.ts";
import type { SampleEndpoints } from "../stack/kind.ts";
import { KEY_TAG, type StepReport } from "../keys/model.ts";

export interface SampleBackend {
  stack: string;
  endpoints: SampleEndpoints;
  invoke: FunctionUrlInvoker;
  /** Milliseconds since the epoch. */
  now: () => number;
  /** The cluster's ARN (stack resource `<S>-Cluster`), to give task ARNs in `listVps`; optional. */
  clusterArn?: string;
  /** Whether an IVS stage still exists (GetStage), to tell an orphaned record from a failed delete; optional. */
  stageExists?: (arn: string) => Promise<boolean>;
  /** IVS stage names by ARN, so a `<stage>` may be a name; optional (the sample creates stages without names). */
  stageNames?: () => Promise<{ arn: string; name: string }[]>;
  log?: (message: string) => void;
}

/** A Stages-table item (contract section 2, CreateIvsStage). */
export interface SampleStageRecord {
  id: string;
  hostParticipantId: string;
  stageArn: string;
  stageEndpoints?: Record<string, string>;
  createdAt?: string;
  updatedAt?: string;
}

/** A VirtualParticipants item as ListVps returns it (contract section 3). */
export interface SampleVpRecord {
  id: string;
  status: string;
  taskId?: string;
  stageArn?: string;
  stageEndpoints?: Record<string, string>;
  assetName?: string;
  running?: string;
  updatedAt?: string;
  createdAt?: string;
  lastUpdateSource?: string;
  lastError?: string;
}

/** The one `vp list` shape for both backends (issue 10): the sample's field names, plus what ivsctl knows. */
export interface VpView {
  id: string;
  status: string;
  stageArn: string | null;
  taskId: string | null;
  assetName: string | null;
  updatedAt: string | null;
  lastUpdateSource: string | null;
  participantId?: string;
  taskArn?: string;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const IVS_ID = /^[a-zA-Z0-9]{12}$/;
const UNASSIGNED = "unassigned";

// ---- calls ----------------------------------------------------------------------------------

type OperatorRoute = "create" | "delete" | "invite" | "kick";
const OPERATOR_KEY: Record<OperatorRoute, keyof SampleEndpoints> = { create: "createIvsStage", delete: "deleteIvsStage", invite: "inviteVp", kick: "kickVp" };
const OPERATOR_OUTPUT: Record<OperatorRoute, string> = { create: "CreateIvsStageLambdaURL", delete: "DeleteIvsStageLambdaURL", invite: "InviteVpLambdaURL", kick: "KickVpLambdaURL" };

/** An operator action: its function URL (signed), or on PUBLIC_API stacks `POST <PublicApiUrl>/stage/<route>` (unsigned, as deployed). */
async function operator(b: SampleBackend, route: OperatorRoute, body: unknown, action: string): Promise<unknown> {
  const url = b.endpoints[OPERATOR_KEY[route]];
  if (url) return b.invoke(url, { method: "POST", body, action });
  if (b.endpoints.publicApiUrl) {
    const base = b.endpoints.publicApiUrl.endsWith("/") ? b.endpoints.publicApiUrl : `${b.endpoints.publicApiUrl}/`;
    // API Gateway hands the handler `body: null` without one, which it cannot parse: always send an object.
    return b.invoke(new URL(`stage/${route}`, base).toString(), { method: "POST", body: body ?? {}, signed: false, action });
  }
  throw configError(`stack ${b.stack} exports neither ${b.stack}::${OPERATOR_OUTPUT[route]} nor ${b.stack}::PublicApiUrl`, "is it a VP-sample stack? See `ivsctl stack outputs`");
}

function required(b: SampleBackend, key: "listStages" | "listVps" | "stopVpTasks" | "rotateKeyPair"): string {
  const url = b.endpoints[key];
  if (!url) throw configError(`stack ${b.stack} has no ${key} function URL output`, "see `ivsctl stack outputs`");
  return url;
}

export async function fetchStageRecords(b: SampleBackend): Promise<SampleStageRecord[]> {
  const out = (await b.invoke(required(b, "listStages"), { method: "POST", body: {}, action: `listing the stages of ${b.stack}` })) as { stages?: SampleStageRecord[] };
  return out?.stages ?? [];
}

export async function fetchVpRecords(b: SampleBackend): Promise<SampleVpRecord[]> {
  const out = (await b.invoke(required(b, "listVps"), { method: "POST", body: {}, action: `listing the virtual participants of ${b.stack}` })) as { virtualParticipants?: SampleVpRecord[] };
  return out?.virtualParticipants ?? [];
}

// ---- stage references -------------------------------------------------------------------------

/**
 * A `<stage>` argument -> the sample's record: the IVS stage ARN, the IVS id (12 characters), the
 * Stages-table id (a UUID), or an IVS stage name (when `names` are given). Missing: exit 4.
 */
export function resolveStageRecord(stack: string, records: SampleStageRecord[], ref: string, names: { arn: string; name: string }[] = []): SampleStageRecord {
  let hits: SampleStageRecord[];
  if (ref.startsWith("arn:")) hits = records.filter((r) => r.stageArn === ref);
  else if (UUID.test(ref)) hits = records.filter((r) => r.id.toLowerCase() === ref.toLowerCase());
  else if (IVS_ID.test(ref) && records.some((r) => r.stageArn.endsWith(`/${ref}`))) hits = records.filter((r) => r.stageArn.endsWith(`/${ref}`));
  else {
    const arns = new Set(names.filter((n) => n.name === ref).map((n) => n.arn));
    hits = records.filter((r) => arns.has(r.stageArn));
    if (hits.length > 1) throw usageError(`stage name "${ref}" matches ${hits.length} stages of ${stack}: ${hits.map((h) => h.stageArn).join(", ")}`, "pass the stage ARN or id");
  }
  if (!hits.length) {
    throw notFoundError(
      `stage ${ref} is not in ${stack}'s Stages table`,
      `it was not created through this stack (or was deleted); create one with \`ivsctl stage create --stack ${stack}\`, and see \`ivsctl stage list --stack ${stack}\``,
    );
  }
  return hits[0]!;
}

async function findStage(b: SampleBackend, ref: string): Promise<{ record: SampleStageRecord; records: SampleStageRecord[] }> {
  const records = await fetchStageRecords(b);
  const needNames = !ref.startsWith("arn:") && !UUID.test(ref) && !(IVS_ID.test(ref) && records.some((r) => r.stageArn.endsWith(`/${ref}`)));
  const names = needNames && b.stageNames ? await b.stageNames() : [];
  return { record: resolveStageRecord(b.stack, records, ref, names), records };
}

/** The VP the sample considers assigned to a stage: its AssignedStageIdIndex holds the stage ARN. */
const assignedTo = (vps: SampleVpRecord[], stageArn: string) => vps.find((v) => v.stageArn === stageArn);

// ---- stages -----------------------------------------------------------------------------------

function tokenClaims(token: string): Record<string, any> {
  try {
    return JSON.parse(Buffer.from(token.split(".")[1] ?? "", "base64url").toString("utf8"));
  } catch {
    return {};
  }
}

export interface CreatedSampleStage {
  stage: { arn: string; id: string; endpoints: Record<string, string> };
  participantToken: { participantId: string; token: string; userId: string; capabilities: string[]; expirationTime?: string; attributes?: Record<string, string> };
  /** The Stages-table id: what the sample's scripts take as `-s`. */
  sampleStageId: string;
}

/** CreateIvsStage: an IVS stage tagged {stack}, a host token, a Stages record. */
export async function createStage(b: SampleBackend, o: { userId?: string; attributes?: Record<string, string> } = {}): Promise<CreatedSampleStage> {
  const body = o.userId !== undefined || o.attributes ? { ...(o.userId !== undefined ? { userId: o.userId } : {}), ...(o.attributes ? { attributes: o.attributes } : {}) } : undefined;
  const created = (await operator(b, "create", body, `creating a stage with ${b.stack}`)) as { id: string; participantId: string; token: string };
  const claims = tokenClaims(created.token);
  const record = (await fetchStageRecords(b)).find((r) => r.id === created.id);
  const arn: string = record?.stageArn ?? claims.resource;
  const endpoints = record?.stageEndpoints ?? { events: claims.events_url, whip: claims.whip_url };
  return {
    stage: { arn, id: arnId(arn), endpoints },
    participantToken: {
      participantId: created.participantId,
      token: created.token,
      userId: o.userId ?? "HOST_USER",
      capabilities: ["PUBLISH", "SUBSCRIBE"],
      expirationTime: typeof claims.exp === "number" ? new Date(claims.exp * 1000).toISOString() : undefined,
      ...(o.attributes ? { attributes: o.attributes } : {}),
    },
    sampleStageId: created.id,
  };
}

export interface SampleStageRow {
  sampleStageId: string;
  stageArn: string;
  stageId: string;
  hostParticipantId: string;
  createdAt: string | null;
  virtualParticipant: { id: string; status: string } | null;
}

export async function listStages(b: SampleBackend): Promise<{ stages: SampleStageRow[] }> {
  const [records, vps] = await Promise.all([fetchStageRecords(b), fetchVpRecords(b)]);
  const stages = records
    .map((r) => {
      const vp = assignedTo(vps, r.stageArn);
      return { sampleStageId: r.id, stageArn: r.stageArn, stageId: arnId(r.stageArn), hostParticipantId: r.hostParticipantId, createdAt: r.createdAt ?? null, virtualParticipant: vp ? { id: vp.id, status: vp.status } : null };
    })
    .sort((x, y) => String(x.createdAt).localeCompare(String(y.createdAt)));
  return { stages };
}

/**
 * Delete a stage the sample's way, without its leak: 1. kick the stage's VP (the sample's
 * DeleteIvsStage leaves it assigned), 2. DeleteIvsStage with the host participant id from ListStages.
 * Gone already: exit 4. The IVS stage gone but the record kept (DeleteIvsStage answers 500 then): exit 5, naming the record.
 */
export async function deleteStage(b: SampleBackend, ref: string): Promise<{ sampleStageId: string; stageArn: string; deleted: true; kickedVirtualParticipant: string | null }> {
  const { record } = await findStage(b, ref);
  const vp = assignedTo(await fetchVpRecords(b), record.stageArn);
  let kicked: string | null = null;
  if (vp) {
    try {
      await operator(b, "kick", { id: record.id }, `kicking the virtual participant of ${record.stageArn}`);
      kicked = vp.id;
      b.log?.(`kicked virtual participant ${vp.id}`);
    } catch (e) {
      if (!(e instanceof FunctionUrlError && e.code === "VpNotFoundException")) throw e;
    }
  }
  try {
    await operator(b, "delete", { id: record.id, participantId: record.hostParticipantId }, `deleting stage ${record.stageArn}`);
  } catch (e) {
    if (!(e instanceof FunctionUrlError) || e.status !== 500) throw e;
    const still = (await fetchStageRecords(b)).some((r) => r.id === record.id);
    const ivsGone = b.stageExists ? !(await b.stageExists(record.stageArn)) : true;
    if (!still || !ivsGone) throw e;
    // The sample mislabels this 500 ("Failed to create participant token(s).").
    throw stateError(
      `the IVS stage ${record.stageArn} is gone but ${b.stack}'s Stages record ${record.id} remains (orphaned: DeleteIvsStage answered HTTP 500 "${e.message.replace(/^[^:]*: /, "")}")`,
      "OrphanedStageRecord",
      `delete the item id=${record.id} from the ${b.stack}-Stages table`,
    );
  }
  return { sampleStageId: record.id, stageArn: record.stageArn, deleted: true, kickedVirtualParticipant: kicked };
}

// ---- virtual participants ---------------------------------------------------------------------

export function vpView(v: SampleVpRecord, o: { clusterArn?: string } = {}): VpView {
  const view: VpView = {
    id: v.id,
    status: v.status,
    stageArn: v.stageArn && v.stageArn !== UNASSIGNED ? v.stageArn : null,
    taskId: v.taskId ?? null,
    assetName: v.assetName || null,
    updatedAt: v.updatedAt ?? null,
    lastUpdateSource: v.lastUpdateSource ?? null,
  };
  const cluster = o.clusterArn ? parseArn(o.clusterArn) : undefined;
  if (cluster && v.taskId) view.taskArn = `arn:${cluster.partition}:ecs:${cluster.region}:${cluster.account}:task/${cluster.resourceId}/${v.taskId}`;
  return view;
}

export interface WaitOptions {
  wait?: boolean;
  timeoutMs?: number;
  pollMs?: number;
}

/**
 * InviteVp (the sample picks an AVAILABLE warm VP with a conditional update). With `wait`, poll
 * ListVps until the stage's VP is JOINED (ok), ERRORED (exit 5, with `lastError` when the record
 * still has it), or the timeout (exit 6, with the last status).
 */
export async function inviteVp(b: SampleBackend, ref: string, o: WaitOptions & { assetName?: string } = {}): Promise<{ sampleStageId: string; stageArn: string; invited: true; virtualParticipant: VpView | null }> {
  const { record } = await findStage(b, ref);
  await operator(b, "invite", o.assetName ? { id: record.id, assetName: o.assetName } : { id: record.id }, `inviting a virtual participant to ${record.stageArn}`);
  let vp = assignedTo(await fetchVpRecords(b), record.stageArn);
  if (o.wait) {
    vp = await pollUntil(
      async () => {
        const v = assignedTo(await fetchVpRecords(b), record.stageArn);
        if (v?.status === "ERRORED") {
          throw stateError(
            `virtual participant ${v.id} on ${record.stageArn} is ERRORED${v.lastError ? `: ${v.lastError}` : " (no lastError: the sample's state sync drops it)"}`,
            "VpErrored",
            `kick it (\`ivsctl vp kick ${record.id} --stack ${b.stack}\`) and invite again`,
          );
        }
        return v;
      },
      (v) => v?.status === "JOINED",
      { what: `a virtual participant to join ${record.stageArn}`, timeoutMs: o.timeoutMs ?? 120_000, intervalMs: o.pollMs ?? 1000, now: b.now, describe: (v) => (v ? `${v.id} is ${v.status}` : "no virtual participant is assigned") },
    );
  }
  return { sampleStageId: record.id, stageArn: record.stageArn, invited: true, virtualParticipant: vp ? vpView(vp, b) : null };
}

/** KickVp; with `wait`, until that VP is AVAILABLE again. No VP on the stage: ok, saying so. */
export async function kickVp(b: SampleBackend, ref: string, o: WaitOptions = {}): Promise<{ sampleStageId: string; stageArn: string; kicked: boolean; message: string; virtualParticipant: VpView | null }> {
  const { record } = await findStage(b, ref);
  const before = assignedTo(await fetchVpRecords(b), record.stageArn);
  try {
    await operator(b, "kick", { id: record.id }, `kicking the virtual participant of ${record.stageArn}`);
  } catch (e) {
    if (e instanceof FunctionUrlError && e.code === "VpNotFoundException") {
      return { sampleStageId: record.id, stageArn: record.stageArn, kicked: false, message: `no virtual participant is assigned to ${record.stageArn}: nothing to kick`, virtualParticipant: null };
    }
    throw e;
  }
  let vp = before;
  if (o.wait && before) {
    vp = await pollUntil(
      async () => {
        const v = (await fetchVpRecords(b)).find((x) => x.id === before.id);
        if (!v) throw notFoundError(`virtual participant ${before.id} disappeared from ${b.stack}'s table while waiting`);
        if (v.status === "STOPPED" || v.status === "ERRORED") throw stateError(`virtual participant ${v.id} is ${v.status}, not AVAILABLE, after the kick`, `Vp${v.status}`);
        return v;
      },
      (v) => v.status === "AVAILABLE",
      { what: `virtual participant ${before.id} to become AVAILABLE`, timeoutMs: o.timeoutMs ?? 120_000, intervalMs: o.pollMs ?? 1000, now: b.now, describe: (v) => `still ${v.status}` },
    );
  }
  return { sampleStageId: record.id, stageArn: record.stageArn, kicked: true, message: `kicked virtual participant ${before?.id ?? "(unknown)"}`, virtualParticipant: vp ? vpView(vp, b) : null };
}

export async function listVps(b: SampleBackend, o: { stage?: string } = {}): Promise<{ virtualParticipants: VpView[] }> {
  let vps = await fetchVpRecords(b);
  if (o.stage !== undefined) {
    const { record } = await findStage(b, o.stage);
    vps = vps.filter((v) => v.stageArn === record.stageArn);
  }
  return { virtualParticipants: vps.map((v) => vpView(v, b)) };
}

export interface StopVpsResult {
  message?: string;
  summary: { totalFound: number; successfulStops: number; failedStops: number };
  details: { vpId: string; taskId?: string; success: boolean; error?: string }[];
}

/** StopVpTasks: stops every AVAILABLE/PROVISIONING/PENDING/INVITED/RUNNING VP (JOINED ones are not stopped by the sample). */
export async function stopVps(b: SampleBackend): Promise<StopVpsResult> {
  const out = (await b.invoke(required(b, "stopVpTasks"), { method: "POST", body: {}, action: `stopping the VP tasks of ${b.stack}` })) as StopVpsResult;
  return { message: out?.message, summary: out?.summary ?? { totalFound: 0, successfulStops: 0, failedStops: 0 }, details: out?.details ?? [] };
}

/** The sample's own RotateKeyPair (GET): rotates with no grace (the old key is deleted at once); answers the new ARN as a bare string. */
export async function rotateKeyPairFunction(b: SampleBackend): Promise<string> {
  const out = await b.invoke(required(b, "rotateKeyPair"), { method: "GET", action: `rotating the key pair of ${b.stack} (RotateKeyPair)` });
  if (typeof out !== "string" || !out.startsWith("arn:")) throw stateError(`RotateKeyPair answered ${JSON.stringify(out).slice(0, 80)}, not a public-key ARN`, "BadResponse");
  return out;
}

// ---- keys -------------------------------------------------------------------------------------

export interface SampleKeyDeps {
  stack: string;
  ssm: SSMClient;
  secrets: SecretsManagerClient;
  realtime: IVSRealTimeClient;
  now: () => number;
  /** Default `<S>-PrivateKey` (contract section 5). */
  secretId?: string;
  /** Default `/<S>/publicKeyArn`. */
  parameterName?: string;
  /** Extra tags on the imported key (IVSCTL_DEFAULT_TAGS). */
  tags?: Record<string, string>;
}

const secretIdOf = (d: SampleKeyDeps) => d.secretId ?? `${d.stack}-PrivateKey`;
const parameterOf = (d: SampleKeyDeps) => d.parameterName ?? `/${d.stack}/publicKeyArn`;

async function sdk() {
  const [ssm, sm, rt] = await Promise.all([import("@aws-sdk/client-ssm"), import("@aws-sdk/client-secrets-manager"), import("@aws-sdk/client-ivs-realtime")]);
  return { ssm, sm, rt };
}

/** The ARN `/<S>/publicKeyArn` names (`{"arn": …}`); "" when none (`{"arn":""}` before the first rotation). */
export async function currentSampleKeyArn(d: SampleKeyDeps): Promise<string> {
  const { ssm } = await sdk();
  let value: string | undefined;
  try {
    value = (await d.ssm.send(new ssm.GetParameterCommand({ Name: parameterOf(d) }))).Parameter?.Value;
  } catch (e) {
    if ((e as Error).name === "ParameterNotFound") throw configError(`stack ${d.stack} has no SSM parameter ${parameterOf(d)}`, "is it a VP-sample stack?");
    throw toCliError(e, `reading ${parameterOf(d)}`);
  }
  try {
    const arn = (JSON.parse(value ?? "") as { arn?: unknown }).arn;
    if (typeof arn === "string") return arn;
  } catch {
    // fall through
  }
  throw stateError(`${parameterOf(d)} does not hold {"arn": …} (got ${JSON.stringify(value).slice(0, 80)})`, "BadParameter", "the sample's token functions cannot sign: rotate with `ivsctl keys rotate`");
}

/** The self-signed token signing key: the secret's bare PKCS8 PEM, `kid` = the ARN in SSM. */
export async function sampleSigningKey(d: SampleKeyDeps): Promise<{ privateKeyPem: string; publicKeyArn: string }> {
  const { sm } = await sdk();
  const [secret, publicKeyArn] = await Promise.all([
    d.secrets.send(new sm.GetSecretValueCommand({ SecretId: secretIdOf(d) })).catch((e) => {
      throw toCliError(e, `reading secret ${secretIdOf(d)}`);
    }),
    currentSampleKeyArn(d),
  ]);
  const pem = secret.SecretString ?? "";
  if (!pem.includes("-----BEGIN PRIVATE KEY-----")) throw stateError(`secret ${secretIdOf(d)} does not hold a PKCS8 PEM private key`, "BadSecret", "rotate with `ivsctl keys rotate --stack " + d.stack + "`");
  if (!publicKeyArn) throw stateError(`${parameterOf(d)} names no public key yet`, "NoKey", `rotate with \`ivsctl keys rotate --stack ${d.stack}\``);
  return { privateKeyPem: pem, publicKeyArn };
}

export interface SampleKeyRow {
  arn: string;
  name: string;
  current: boolean;
  createdAt?: string;
  retireAfter?: string;
}

/** The stack's keys (named `<S>-PublicKey-<ms>`, or the one SSM names); current = SSM's. */
export async function listSampleKeys(d: SampleKeyDeps): Promise<{ currentArn: string; publicKeys: SampleKeyRow[] }> {
  const { rt } = await sdk();
  const currentArn = await currentSampleKeyArn(d);
  const rows: SampleKeyRow[] = [];
  try {
    for await (const page of rt.paginateListPublicKeys({ client: d.realtime }, {})) {
      for (const k of page.publicKeys ?? []) {
        const m = new RegExp(`^${d.stack.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}-PublicKey-(\\d+)$`).exec(k.name ?? "");
        if (!m && k.arn !== currentArn) continue;
        rows.push({ arn: k.arn!, name: k.name ?? "", current: k.arn === currentArn, createdAt: k.tags?.createdAt ?? (m ? new Date(Number(m[1])).toISOString() : undefined), retireAfter: k.tags?.[KEY_TAG.retireAfter] });
      }
    }
  } catch (e) {
    throw toCliError(e, "listing public keys");
  }
  return { currentArn, publicKeys: rows };
}

/** A rotation that failed: the CLI error, with the step report (what was done and what was rolled back). */
export class SampleRotateError extends CliError {
  constructor(
    err: CliError,
    readonly steps: StepReport[],
  ) {
    super(err.message, { exitCode: err.exitCode, code: err.code, hint: err.hint, cause: err });
  }
}

export interface SampleRotateResult {
  publicKeyArn: string;
  previousKeyArn: string | null;
  previousKey: null | "deleted" | { retireAfter: string };
  /** Step 5 failed: the new key is current, but the previous key was neither deleted nor tagged (why). */
  retireFailed?: string;
  steps: StepReport[];
}

/**
 * Rotate the sample's key pair in its formats, with what its RotateKeyPair lacks (a grace period,
 * rollback, a step report). Generated locally (P-384, node:crypto): no KMS call is needed.
 * Order: 1. import the new public key (`<S>-PublicKey-<ms>`), 2. the bare PKCS8 PEM becomes the
 * secret's AWSCURRENT, 3. `/<S>/publicKeyArn` = `{"arn": new}`, 4. the old key is deleted at once
 * with grace 0, otherwise tagged `ivsctl:retire-after` for `keys prune`. It is never deleted before
 * both writes.
 * The window: the sample reads the secret and the parameter in parallel on every token, so no write
 * order closes it completely. Between steps 2 and 3 (one round trip) a token can be signed with the
 * new key but carry the old key's `kid` (and with grace 0, be refused at join); a token is never
 * signed by a key that is not imported, because the import comes first.
 */
export async function rotateSampleKey(d: SampleKeyDeps, o: { graceMs: number }): Promise<SampleRotateResult> {
  if (!Number.isFinite(o.graceMs) || o.graceMs < 0) throw usageError("--grace must be 0s or a positive duration");
  const { ssm, sm, rt } = await sdk();
  const steps: StepReport[] = [];
  const names = ["read current key", "import public key", "store private key", "record current key", "retire previous key"];
  const report = (i: number, status: StepReport["status"], detail: string) => steps.push({ step: i + 1, name: names[i]!, status, detail });
  const fail = (e: unknown, action: string): never => {
    const err = toCliError(e, action);
    throw new SampleRotateError(err, steps);
  };

  // 1. What is current now (for rollback).
  const previousArn = await currentSampleKeyArn(d);
  let previousVersion: string | undefined;
  try {
    previousVersion = (await d.secrets.send(new sm.GetSecretValueCommand({ SecretId: secretIdOf(d) }))).VersionId;
  } catch (e) {
    if ((e as Error).name !== "ResourceNotFoundException") fail(e, `reading secret ${secretIdOf(d)}`);
  }
  report(0, "done", `current key ${previousArn || "(none)"}`);

  // 2. Import first, so every key that can sign is verifiable.
  const pair = generateKeyPairSync("ec", { namedCurve: "P-384" });
  const nowMs = d.now();
  let newArn: string;
  try {
    const out = await d.realtime.send(
      new rt.ImportPublicKeyCommand({
        publicKeyMaterial: pair.publicKey.export({ type: "spki", format: "pem" }).toString(),
        name: `${d.stack}-PublicKey-${nowMs}`,
        tags: { createdAt: new Date(nowMs).toISOString(), [KEY_TAG.owner]: d.stack, [KEY_TAG.importedAt]: new Date(nowMs).toISOString(), ...d.tags },
      }),
    );
    newArn = out.publicKey!.arn!;
  } catch (e) {
    report(1, "failed", (e as Error).message);
    return fail(e, "importing the new public key");
  }
  report(1, "done", `imported ${newArn}`);
  const dropNewKey = async () => {
    try {
      await d.realtime.send(new rt.DeletePublicKeyCommand({ arn: newArn }));
      report(1, "rolled back", `deleted ${newArn}`);
    } catch (e) {
      report(1, "failed", `could not delete ${newArn} (\`ivsctl keys prune\` removes it): ${(e as Error).message}`);
    }
  };

  // 3. The secret: a bare PKCS8 PEM, as the sample's jsonwebtoken needs.
  let newVersion: string | undefined;
  try {
    newVersion = (await d.secrets.send(new sm.PutSecretValueCommand({ SecretId: secretIdOf(d), SecretString: pair.privateKey.export({ type: "pkcs8", format: "pem" }).toString() }))).VersionId;
  } catch (e) {
    report(2, "failed", (e as Error).message);
    await dropNewKey();
    return fail(e, `storing the new private key in ${secretIdOf(d)}`);
  }
  report(2, "done", `${secretIdOf(d)} AWSCURRENT = version ${newVersion}`);

  // 4. The parameter, in the sample's format.
  try {
    await d.ssm.send(new ssm.PutParameterCommand({ Name: parameterOf(d), Value: JSON.stringify({ arn: newArn }), Type: "String", Tier: "Standard", DataType: "text", Overwrite: true }));
  } catch (e) {
    report(3, "failed", (e as Error).message);
    if (previousVersion && newVersion) {
      try {
        await d.secrets.send(new sm.UpdateSecretVersionStageCommand({ SecretId: secretIdOf(d), VersionStage: "AWSCURRENT", MoveToVersionId: previousVersion, RemoveFromVersionId: newVersion }));
        report(2, "rolled back", `${secretIdOf(d)} AWSCURRENT back to version ${previousVersion}`);
      } catch (u) {
        report(2, "failed", `could not restore AWSCURRENT to ${previousVersion}: ${(u as Error).message}`);
      }
    }
    await dropNewKey();
    return fail(e, `recording the new key in ${parameterOf(d)}`);
  }
  report(3, "done", `${parameterOf(d)} = {"arn":"${newArn}"}`);

  // 5. Retire the old key, only now that both writes are done.
  let previousKey: SampleRotateResult["previousKey"] = null;
  let retireFailed: string | undefined;
  if (!previousArn) report(4, "skipped", "no previous key");
  else if (o.graceMs === 0) {
    try {
      await d.realtime.send(new rt.DeletePublicKeyCommand({ arn: previousArn }));
      report(4, "done", `deleted ${previousArn} (grace 0: tokens it signed stop working now)`);
    } catch (e) {
      if ((e as Error).name === "ResourceNotFoundException") report(4, "done", `${previousArn} was already gone`);
      else {
        retireFailed = `could not delete ${previousArn}: ${(e as Error).message}`;
        report(4, "failed", `${retireFailed} (delete it with \`ivsctl keys delete ${previousArn} --force\`)`);
      }
    }
    if (!retireFailed) previousKey = "deleted";
  } else {
    const retireAfter = new Date(nowMs + o.graceMs).toISOString();
    try {
      await d.realtime.send(new rt.TagResourceCommand({ resourceArn: previousArn, tags: { [KEY_TAG.retireAfter]: retireAfter } }));
      report(4, "done", `${previousArn} kept until ${retireAfter}; \`ivsctl keys prune\` deletes it after`);
      previousKey = { retireAfter };
    } catch (e) {
      retireFailed = `could not tag ${previousArn} for retirement: ${(e as Error).message}`;
      report(4, "failed", retireFailed);
    }
  }
  return { publicKeyArn: newArn, previousKeyArn: previousArn || null, previousKey, steps, ...(retireFailed ? { retireFailed } : {}) };
}
