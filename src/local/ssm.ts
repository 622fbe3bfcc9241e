/**
 * AWS Systems Manager Parameter Store in the emulator (JSON 1.1, target prefix `AmazonSSM`):
 * GetParameter and PutParameter, enough for the VP sample's `/<stack>/publicKeyArn` parameter.
 * Behaviour from the SSM API reference (PutParameter, GetParameter) and botocore's ssm model
 * (which also validates every request, see models.ts).
 */
import { ServiceError } from "./errors.ts";
import { LOCAL_ACCOUNT } from "./ids.ts";
import type { EmulatedService, RequestContext } from "./service.ts";
import type { Store } from "./store.ts";

export const SSM_KIND = "ssm:parameter";

export interface ParameterVersion {
  Value: string;
  Version: number;
  LastModifiedDate: string;
  Type: "String" | "StringList" | "SecureString";
  Tier: string;
  DataType: string;
  Description?: string;
}

export interface ParameterDoc {
  Name: string;
  ARN: string;
  versions: ParameterVersion[];
}

/** API reference, PutParameter: "Standard parameters have a value limit of 4 KB. Advanced parameters have a value limit of 8 KB." */
const VALUE_LIMIT: Record<string, number> = { Standard: 4096, Advanced: 8192, "Intelligent-Tiering": 8192 };
/** API reference, PutParameter DataType: "text", "aws:ec2:image" or "aws:ssm:integration". */
const DATA_TYPES = new Set(["text", "aws:ec2:image", "aws:ssm:integration"]);

/** ARN of a parameter: `arn:aws:ssm:<region>:<account>:parameter/<name without its leading slash>`. */
export function parameterArn(region: string, name: string, account = LOCAL_ACCOUNT): string {
  return `arn:aws:ssm:${region}:${account}:parameter/${name.replace(/^\//, "")}`;
}

/** A parameter's name from its name or ARN (GetParameter accepts both), without a `:version` selector. */
function parseRef(ref: string): { name: string; version?: number; label?: string } {
  let rest = ref;
  if (ref.startsWith("arn:")) {
    const m = /^arn:aws[a-z-]*:ssm:[a-z0-9-]*:\d{12}:parameter(\/.*)$/.exec(ref);
    if (!m) throw new ServiceError("ValidationException", `Invalid parameter ARN: ${ref}`, 400);
    // ARNs of hierarchical names keep the slash; plain names have none in AWS (parameter/name).
    rest = m[1]!.split("/").length > 2 ? m[1]! : m[1]!.slice(1);
  }
  const sel = /^(.*):([^:/]+)$/.exec(rest);
  if (sel) return /^\d+$/.test(sel[2]!) ? { name: sel[1]!, version: Number(sel[2]) } : { name: sel[1]!, label: sel[2]! };
  return { name: rest };
}

/** SSM's ParameterNotFound carries no message in the wire error; a short one helps humans. */
const notFound = (name: string) => new ServiceError("ParameterNotFound", `Parameter ${name} not found.`, 400);

export function readParameter(store: Store, name: string): ParameterDoc | undefined {
  return store.get<ParameterDoc>(SSM_KIND, name);
}

function checkName(name: string): void {
  // API reference, PutParameter Name: at most 15 levels; names can't be prefixed with "aws" or "ssm".
  if (/^\/?(aws|ssm)/i.test(name)) throw new ServiceError("ValidationException", `Parameter name: can't be prefixed with "aws" or "ssm" (case-insensitive).`, 400);
  if (name.includes("/") && !name.startsWith("/")) throw new ServiceError("ValidationException", "Parameter name must be a fully qualified name.", 400);
  if (name.split("/").length - 1 > 15) throw new ServiceError("HierarchyLevelLimitExceededException", "A hierarchy can have a maximum of 15 levels.", 400);
  if (!/^[a-zA-Z0-9_.\-/]+$/.test(name)) throw new ServiceError("ValidationException", "Parameter name: can only contain letters, numbers, and the symbols .-_/", 400);
}

export function putParameter(input: any, ctx: RequestContext) {
  const name: string = input.Name;
  checkName(name);
  const existing = readParameter(ctx.store, name);
  if (existing && !input.Overwrite) {
    throw new ServiceError("ParameterAlreadyExists", "The parameter already exists. To overwrite this value, set the overwrite option in the request to true.", 400);
  }
  const latest = existing?.versions.at(-1);
  const type = input.Type ?? latest?.Type;
  if (!type) throw new ServiceError("ValidationException", "A parameter type is required when you create a parameter.", 400);
  if (latest && input.Type && input.Type !== latest.Type && latest.Type === "SecureString") {
    throw new ServiceError("ValidationException", "Changing a SecureString parameter's type is not allowed.", 400);
  }
  const tier = input.Tier ?? latest?.Tier ?? "Standard";
  const effectiveTier = tier === "Intelligent-Tiering" ? (Buffer.byteLength(input.Value) > 4096 ? "Advanced" : "Standard") : tier;
  if (Buffer.byteLength(input.Value) > VALUE_LIMIT[effectiveTier]!) {
    throw new ServiceError(
      "ValidationException",
      effectiveTier === "Standard"
        ? "Standard tier parameters support a maximum parameter value of 4096 characters. To create a larger parameter value, upgrade the parameter to use the advanced-parameter tier."
        : "Parameter value exceeds the maximum of 8192 characters.",
      400,
    );
  }
  if (latest?.Tier === "Advanced" && effectiveTier === "Standard") {
    throw new ServiceError("ValidationException", "This parameter uses the advanced-parameter tier. You can't downgrade a parameter from the advanced-parameter tier to the standard-parameter tier.", 400);
  }
  const dataType = input.DataType ?? latest?.DataType ?? "text";
  if (!DATA_TYPES.has(dataType)) throw new ServiceError("ValidationException", `The following data type is not supported: ${dataType} (Data type names are all lowercase.)`, 400);
  if (input.Value === "") throw new ServiceError("ValidationException", "Parameter value can't be empty.", 400);
  if (input.Tags && input.Overwrite) throw new ServiceError("ValidationException", "Invalid request: tags and overwrite can't be used together. To create a parameter with tags, please remove overwrite flag. To update tags for an existing parameter, please use AddTagsToResource or RemoveTagsFromResource.", 400);
  const version: ParameterVersion = {
    Value: input.Value,
    Version: (latest?.Version ?? 0) + 1,
    LastModifiedDate: ctx.now().toISOString(),
    Type: type,
    Tier: effectiveTier,
    DataType: dataType,
    Description: input.Description ?? latest?.Description,
  };
  const doc: ParameterDoc = { Name: name, ARN: parameterArn(ctx.region, name, ctx.account), versions: [...(existing?.versions ?? []), version].slice(-100) };
  ctx.store.put(SSM_KIND, name, doc);
  return { Version: version.Version, Tier: version.Tier };
}

export function getParameter(input: any, ctx: RequestContext) {
  const ref = parseRef(input.Name);
  const doc = readParameter(ctx.store, ref.name);
  if (!doc) throw notFound(input.Name);
  if (ref.label) throw new ServiceError("ParameterVersionLabelLimitExceeded", `ivsctl local keeps no parameter labels (${ref.label})`, 400);
  const v = ref.version === undefined ? doc.versions.at(-1) : doc.versions.find((x) => x.Version === ref.version);
  if (!v) throw new ServiceError("ParameterVersionNotFound", `Systems Manager could not find version ${ref.version} of ${ref.name}.`, 400);
  // A SecureString read without decryption gives the ciphertext; the emulator has no KMS, so an opaque blob.
  const value = v.Type === "SecureString" && !input.WithDecryption ? Buffer.from(`ivsctl-local-kms:${v.Value}`).toString("base64") : v.Value;
  return {
    Parameter: {
      Name: doc.Name,
      Type: v.Type,
      Value: value,
      Version: v.Version,
      Selector: ref.version !== undefined ? `:${ref.version}` : undefined,
      LastModifiedDate: Date.parse(v.LastModifiedDate) / 1000,
      ARN: doc.ARN,
      DataType: v.DataType,
    },
  };
}

export const ssmService: EmulatedService = {
  name: "ssm",
  protocol: "json",
  operations: {
    GetParameter: getParameter,
    PutParameter: putParameter,
  },
};
