import { usageError, notFoundError } from "../cli/errors.ts";
import { parseArn } from "../contract/arn.ts";

/** IVS resource names: letters, digits, - and _, at most 128 (the same rule for every IVS resource). */
export function checkResourceName(name: string | undefined, flag = "--name"): void {
  if (name !== undefined && !/^[a-zA-Z0-9-_]{0,128}$/.test(name)) {
    throw usageError(`${flag} may hold only letters, digits, - and _ (at most 128), got "${name}"`);
  }
}

/** Resource ids in the ARNs ivsctl takes: segments of letters, digits, - and _ (ECS tasks: `task/<cluster>/<id>`). */
const RESOURCE_ID = /^[A-Za-z0-9_-]+(\/[A-Za-z0-9_-]+)*$/;
const REGION = /^[a-z]{2}(-[a-z]+)+-\d+$/;

/**
 * Why `value` is not one whole, well-formed ARN (undefined when it is). The ARN parser is lenient
 * (the emulator shares it); what a user passes is checked whole before any call: no whitespace, a
 * region and a 12-digit account, and an id without `/..`, `:extra`, `?query`, `#fragment` or a trailing `/`.
 */
export function arnProblem(value: string): string | undefined {
  if (/\s/.test(value)) return "it holds whitespace";
  const arn = parseArn(value);
  if (!arn) return "it is not arn:<partition>:<service>:<region>:<account>:<type>/<id>";
  if (!REGION.test(arn.region)) return arn.region ? `"${arn.region}" is not a region` : "its region is empty";
  if (!/^\d{12}$/.test(arn.account)) return "its account is empty";
  if (!RESOURCE_ID.test(arn.resourceId)) return `its resource id "${arn.resourceId}" holds characters no id has`;
  return undefined;
}

/** Whether value is a whole ARN of this service and resource type (any partition, through the one ARN parser). */
export function isArnOf(value: string, service: string, resourceType: string): boolean {
  const arn = parseArn(value);
  return arnProblem(value) === undefined && arn!.service === service && arn!.resourceType === resourceType && /^[a-zA-Z0-9-]+$/.test(arn!.resourceId);
}

export interface Named {
  arn?: string;
  name?: string;
}

/**
 * How a user names a resource: an ARN (used as is), a 12-character id, or a name. The form is
 * checked before any AWS call; ids and names are then looked up in one listing pass.
 */
export type ResourceRef = { kind: "arn"; arn: string } | { kind: "id"; id: string } | { kind: "name"; name: string };

export function parseResourceRef(value: string, resourceType: string, service = "ivs"): ResourceRef {
  const v = value.trim();
  if (!v) throw usageError(`empty ${resourceType} name`);
  if (v.startsWith("arn:")) {
    const problem = arnProblem(value);
    if (problem) throw usageError(parseArn(v) ? `malformed ARN "${value}": ${problem}` : `malformed ARN "${v}"`, `expected arn:aws:${service}:<region>:<account>:${resourceType}/<id>`);
    const arn = parseArn(v)!;
    if (arn.service !== service || arn.resourceType !== resourceType) {
      throw usageError(`"${v}" is a ${arn.service} ${arn.resourceType} ARN, not a ${resourceType} ARN`);
    }
    return { kind: "arn", arn: v };
  }
  if (/^[a-zA-Z0-9]{12}$/.test(v)) return { kind: "id", id: v };
  if (!/^[a-zA-Z0-9-_]{1,128}$/.test(v)) throw usageError(`"${v}" is not a ${resourceType} ARN, id or name`, "names use letters, digits, - and _ (at most 128)");
  return { kind: "name", name: v };
}

/** Resolve a ref to an ARN, listing only when it is not an ARN already. A name matching several is exit 2. */
export async function resolveArn(ref: ResourceRef, resourceType: string, list: () => AsyncIterable<Named>): Promise<string> {
  if (ref.kind === "arn") return ref.arn;
  const matches: Named[] = [];
  for await (const item of list()) {
    if (!item.arn) continue;
    if (ref.kind === "id" && item.arn.endsWith(`/${ref.id}`)) return item.arn;
    if ((ref.kind === "name" || ref.kind === "id") && item.name === (ref.kind === "name" ? ref.name : ref.id)) matches.push(item);
  }
  const label = ref.kind === "name" ? ref.name : ref.id;
  if (matches.length === 0) throw notFoundError(`no ${resourceType} named or with id "${label}"`);
  if (matches.length > 1) {
    throw usageError(`"${label}" matches ${matches.length} ${resourceType}s: ${matches.map((m) => m.arn).join(", ")}`, "name it by ARN");
  }
  return matches[0]!.arn!;
}
