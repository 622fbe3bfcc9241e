/** AWS Secrets Manager in the emulator: secrets with versions and the AWSCURRENT/AWSPREVIOUS stages. */
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
  for (const v of secret.versions) {
    if (stages.includes("AWSCURRENT") && v.VersionStages.includes("AWSCURRENT")) v.VersionStages = ["AWSPREVIOUS"];
    else if (stages.includes("AWSCURRENT")) v.VersionStages = v.VersionStages.filter((s) => s !== "AWSPREVIOUS");
    v.VersionStages = v.VersionStages.filter((s) => !stages.includes(s) || s === "AWSPREVIOUS");
  }
  const version: SecretVersion = {
    VersionId: input.ClientRequestToken ?? crypto.randomUUID(),
    SecretString: input.SecretString,
    SecretBinary: input.SecretBinary,
    VersionStages: stages,
    CreatedDate: ctx.now().toISOString(),
  };
  secret.versions = [...secret.versions.filter((v) => v.VersionStages.length > 0), version];
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
    VersionIdsToStages: Object.fromEntries(secret.versions.map((v) => [v.VersionId, v.VersionStages])),
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
  for (const v of secret.versions) {
    if (v.VersionId === input.RemoveFromVersionId) v.VersionStages = v.VersionStages.filter((s) => s !== input.VersionStage);
  }
  if (input.MoveToVersionId) {
    const target = secret.versions.find((v) => v.VersionId === input.MoveToVersionId);
    if (!target) throw new ServiceError("ResourceNotFoundException", "Secrets Manager can't find the specified version.", 400);
    if (input.VersionStage === "AWSCURRENT") {
      for (const v of secret.versions) {
        if (v.VersionStages.includes("AWSCURRENT") && v !== target) v.VersionStages = [...v.VersionStages.filter((s) => s !== "AWSCURRENT" && s !== "AWSPREVIOUS"), "AWSPREVIOUS"];
        else if (v !== target) v.VersionStages = v.VersionStages.filter((s) => s !== "AWSPREVIOUS");
      }
    }
    if (!target.VersionStages.includes(input.VersionStage)) target.VersionStages.push(input.VersionStage);
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
