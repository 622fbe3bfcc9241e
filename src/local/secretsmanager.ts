/**
 * AWS Secrets Manager in the emulator: secrets with versions and staging labels. As the API reference
 * says (PutSecretValue, UpdateSecretVersionStage): each label is on one version at a time; whenever
 * AWSCURRENT moves, AWSPREVIOUS moves onto the version AWSCURRENT was removed from; a version left with
 * no label is "deprecated" (listed by ListSecretVersionIds with IncludeDeprecated). Secrets Manager
 * "keeps 100 of the most recent versions, but it keeps all secret versions created in the last 24 hours".
 */
import { ServiceError } from "./errors.ts";
import { LOCAL_ACCOUNT, paginate, randomId } from "./ids.ts";
import { SEED_KIND } from "./kinds.ts";
import type { EmulatedService, RequestContext } from "./service.ts";

export interface SecretVersion {
  VersionId: string;
  SecretString?: string;
  SecretBinary?: string;
  VersionStages: string[];
  CreatedDate: string;
}

export interface SecretDoc {
  ARN: string;
  Name: string;
  Description?: string;
  CreatedDate: string;
  LastChangedDate?: string;
  DeletedDate?: string;
  Tags?: { Key: string; Value: string }[];
  versions: SecretVersion[];
}

const KIND = SEED_KIND.secret;
/** JSON 1.1 timestamps are epoch seconds. */
const epoch = (iso: string | undefined) => (iso ? Date.parse(iso) / 1000 : undefined);
const notFound = (_id: string) => new ServiceError("ResourceNotFoundException", "Secrets Manager can't find the specified secret.", 400);

export function findSecret(ctx: RequestContext, id: string, { includeDeleted = false } = {}): SecretDoc {
  const all = ctx.store.list<SecretDoc>(KIND);
  // SecretId is an ARN (full, or without the random suffix) or a name.
  const s = all.find((x) => x.ARN === id || x.Name === id || x.ARN.replace(/-[A-Za-z0-9]{6}$/, "") === id);
  if (!s || (s.DeletedDate && !includeDeleted)) throw notFound(id);
  return s;
}

const MAX_VERSIONS_KEPT = 100;
const KEEP_RECENT_MS = 24 * 3600_000;

/**
 * Attach `label` to `target`, taking it from the version that holds it; when that label is
 * AWSCURRENT, AWSPREVIOUS moves onto the version it was taken from.
 */
function attachLabel(secret: SecretDoc, label: string, target: SecretVersion): void {
  const holder = secret.versions.find((v) => v !== target && v.VersionStages.includes(label));
  if (holder) {
    holder.VersionStages = holder.VersionStages.filter((s) => s !== label);
    if (label === "AWSCURRENT") {
      for (const v of secret.versions) v.VersionStages = v.VersionStages.filter((s) => s !== "AWSPREVIOUS");
      holder.VersionStages.push("AWSPREVIOUS");
    }
  }
  if (!target.VersionStages.includes(label)) target.VersionStages.push(label);
}

/** Drop the oldest deprecated versions beyond 100, never one created in the last 24 hours. */
function pruneVersions(secret: SecretDoc, now: Date): void {
  while (secret.versions.length > MAX_VERSIONS_KEPT) {
    const old = secret.versions.find((v) => v.VersionStages.length === 0 && now.getTime() - Date.parse(v.CreatedDate) > KEEP_RECENT_MS);
    if (!old) return;
    secret.versions = secret.versions.filter((v) => v !== old);
  }
}

function addVersion(ctx: RequestContext, secret: SecretDoc, input: { SecretString?: string; SecretBinary?: string; ClientRequestToken?: string; VersionStages?: string[] }): SecretVersion {
  if (input.SecretString === undefined && input.SecretBinary === undefined) {
    throw new ServiceError("InvalidRequestException", "You must provide either SecretString or SecretBinary.", 400);
  }
  const existing = input.ClientRequestToken ? secret.versions.find((v) => v.VersionId === input.ClientRequestToken) : undefined;
  if (existing) {
    // Idempotent retry with the same token and value; a different value is an error, as in AWS.
    if (existing.SecretString !== input.SecretString || existing.SecretBinary !== input.SecretBinary) {
      throw new ServiceError("ResourceExistsException", "A version with this ClientRequestToken already exists with different content.", 400);
    }
    return existing;
  }
  // As AWS: a secret's first version is always AWSCURRENT, whatever labels were asked for.
  const asked: string[] = input.VersionStages ?? ["AWSCURRENT"];
  const stages = secret.versions.length === 0 && !asked.includes("AWSCURRENT") ? [...asked, "AWSCURRENT"] : asked;
  const version: SecretVersion = {
    VersionId: input.ClientRequestToken ?? crypto.randomUUID(),
    SecretString: input.SecretString,
    SecretBinary: input.SecretBinary,
    VersionStages: [],
    CreatedDate: ctx.now().toISOString(),
  };
  secret.versions = [...secret.versions, version];
  for (const label of stages) attachLabel(secret, label, version);
  pruneVersions(secret, ctx.now());
  secret.LastChangedDate = version.CreatedDate;
  return version;
}

function createSecret(input: any, ctx: RequestContext) {
  if (ctx.store.list<SecretDoc>(KIND).some((s) => s.Name === input.Name && !s.DeletedDate)) {
    throw new ServiceError("ResourceExistsException", `The operation failed because the secret ${input.Name} already exists.`, 400);
  }
  const secret: SecretDoc = {
    ARN: `arn:aws:secretsmanager:${ctx.region}:${LOCAL_ACCOUNT}:secret:${input.Name}-${randomId(6)}`,
    Name: input.Name,
    Description: input.Description,
    CreatedDate: ctx.now().toISOString(),
    Tags: input.Tags,
    versions: [],
  };
  const version = input.SecretString !== undefined || input.SecretBinary !== undefined ? addVersion(ctx, secret, input) : undefined;
  ctx.store.put(KIND, secret.ARN, secret);
  return { ARN: secret.ARN, Name: secret.Name, VersionId: version?.VersionId };
}

function putSecretValue(input: any, ctx: RequestContext) {
  const secret = findSecret(ctx, input.SecretId);
  const version = addVersion(ctx, secret, input);
  ctx.store.put(KIND, secret.ARN, secret);
  return { ARN: secret.ARN, Name: secret.Name, VersionId: version.VersionId, VersionStages: version.VersionStages };
}

function getSecretValue(input: any, ctx: RequestContext) {
  const secret = findSecret(ctx, input.SecretId);
  const stage = input.VersionStage ?? (input.VersionId ? undefined : "AWSCURRENT");
  const v = secret.versions.find((x) => (input.VersionId ? x.VersionId === input.VersionId : true) && (!stage || x.VersionStages.includes(stage)));
  if (!v) throw new ServiceError("ResourceNotFoundException", "Secrets Manager can't find the specified secret value for staging label: AWSCURRENT", 400);
  return { ARN: secret.ARN, Name: secret.Name, VersionId: v.VersionId, SecretString: v.SecretString, SecretBinary: v.SecretBinary, VersionStages: v.VersionStages, CreatedDate: epoch(v.CreatedDate) };
}

function describe(secret: SecretDoc) {
  return {
    ARN: secret.ARN,
    Name: secret.Name,
    Description: secret.Description,
    CreatedDate: epoch(secret.CreatedDate),
    LastChangedDate: epoch(secret.LastChangedDate),
    DeletedDate: epoch(secret.DeletedDate),
    Tags: secret.Tags,
    // Only versions with a label: the others are deprecated (DescribeSecret API reference).
    VersionIdsToStages: Object.fromEntries(secret.versions.filter((v) => v.VersionStages.length > 0).map((v) => [v.VersionId, v.VersionStages])),
  };
}

function updateSecretVersionStage(input: any, ctx: RequestContext) {
  const secret = findSecret(ctx, input.SecretId);
  // As AWS: moving a label that another version holds needs RemoveFromVersionId naming that version.
  // This is the compare-and-swap that keeps two concurrent rotations from both winning.
  const holder = secret.versions.find((v) => v.VersionStages.includes(input.VersionStage));
  if (input.RemoveFromVersionId && holder?.VersionId !== input.RemoveFromVersionId) {
    throw new ServiceError("InvalidParameterException", `The staging label ${input.VersionStage} is not attached to version ${input.RemoveFromVersionId}.`, 400);
  }
  if (input.MoveToVersionId && holder && holder.VersionId !== input.MoveToVersionId && !input.RemoveFromVersionId) {
    throw new ServiceError("InvalidParameterException", `The staging label ${input.VersionStage} is currently attached to version ${holder.VersionId}; specify it as RemoveFromVersionId.`, 400);
  }
  if (input.MoveToVersionId) {
    const target = secret.versions.find((v) => v.VersionId === input.MoveToVersionId);
    if (!target) throw new ServiceError("ResourceNotFoundException", "Secrets Manager can't find the specified version.", 400);
    attachLabel(secret, input.VersionStage, target);
  } else if (input.RemoveFromVersionId && holder) {
    holder.VersionStages = holder.VersionStages.filter((s) => s !== input.VersionStage);
  }
  ctx.store.put(KIND, secret.ARN, secret);
  return { ARN: secret.ARN, Name: secret.Name };
}

export const secretsManagerService: EmulatedService = {
  name: "secretsmanager",
  protocol: "json",
  operations: {
    CreateSecret: createSecret,
    PutSecretValue: putSecretValue,
    GetSecretValue: getSecretValue,
    DescribeSecret: (input, ctx) => describe(findSecret(ctx, input.SecretId)),
    UpdateSecretVersionStage: updateSecretVersionStage,
    ListSecretVersionIds: (input, ctx) => {
      const secret = findSecret(ctx, input.SecretId);
      const versions = secret.versions.filter((v) => input.IncludeDeprecated || v.VersionStages.length > 0);
      const { page, nextToken } = paginate(versions, input.NextToken, input.MaxResults);
      return {
        ARN: secret.ARN,
        Name: secret.Name,
        Versions: page.map((v) => ({ VersionId: v.VersionId, VersionStages: v.VersionStages, CreatedDate: epoch(v.CreatedDate) })),
        NextToken: nextToken,
      };
    },
    ListSecrets: (input, ctx) => {
      const all = ctx.store.list<SecretDoc>(KIND).filter((s) => !s.DeletedDate || input.IncludePlannedDeletion);
      const { page, nextToken } = paginate(all, input.NextToken, input.MaxResults);
      return { SecretList: page.map(describe), NextToken: nextToken };
    },
    DeleteSecret: (input, ctx) => {
      const secret = findSecret(ctx, input.SecretId);
      if (input.ForceDeleteWithoutRecovery) ctx.store.delete(KIND, secret.ARN);
      else ctx.store.put(KIND, secret.ARN, { ...secret, DeletedDate: ctx.now().toISOString() });
      return { ARN: secret.ARN, Name: secret.Name, DeletionDate: Date.now() / 1000 };
    },
  },
};
