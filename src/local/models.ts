/**
 * Request validation against the botocore service models, when Python's botocore is installed.
 * The emulator answers ValidationException from the same constraints AWS publishes: required
 * members, enums, lengths, ranges and patterns. Without the models it still works, with only its
 * own checks.
 */
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";

interface Shape {
  type: string;
  members?: Record<string, { shape: string; location?: string; locationName?: string }>;
  required?: string[];
  member?: { shape: string };
  key?: { shape: string };
  value?: { shape: string };
  enum?: string[];
  min?: number;
  max?: number;
  pattern?: string;
}

export interface ServiceModel {
  metadata?: { protocol?: string };
  operations: Record<string, { input?: { shape: string }; http?: { method: string; requestUri: string } }>;
  shapes: Record<string, Shape>;
}

/**
 * Patterns in the published models that reject values AWS itself accepts: IVS's ResourceArn
 * pattern allows one character before the slash ("[a-z-]/"), so no real ARN matches it.
 */
const BROKEN_PATTERNS = new Set(["ivs:ResourceArn", "ivs-realtime:ResourceArn"]);

let dataDirCache: string | null | undefined;

/** botocore/data: IVSCTL_BOTOCORE_DATA, else ask the installed Python where botocore lives. */
export function findBotocoreData(env: Record<string, string | undefined>): string | undefined {
  if (env.IVSCTL_BOTOCORE_DATA !== undefined) return env.IVSCTL_BOTOCORE_DATA || undefined;
  if (dataDirCache !== undefined) return dataDirCache ?? undefined;
  dataDirCache = null;
  try {
    const r = Bun.spawnSync(["python3", "-c", "import botocore, os; print(os.path.join(os.path.dirname(botocore.__file__), 'data'))"], {
      stdout: "pipe",
      stderr: "ignore",
      timeout: 5_000,
    });
    const dir = r.stdout.toString().trim();
    if (r.exitCode === 0 && dir && existsSync(dir)) dataDirCache = dir;
  } catch {
    // no python3: validate with our own checks only
  }
  return dataDirCache ?? undefined;
}

export function loadModel(dataDir: string | undefined, service: string): ServiceModel | undefined {
  if (!dataDir) return undefined;
  const serviceDir = join(dataDir, service);
  if (!existsSync(serviceDir)) return undefined;
  const version = readdirSync(serviceDir).sort().at(-1);
  if (!version) return undefined;
  for (const file of ["service-2.json.gz", "service-2.json"]) {
    const path = join(serviceDir, version, file);
    if (!existsSync(path)) continue;
    const raw = readFileSync(path);
    const text = file.endsWith(".gz") ? new TextDecoder().decode(Bun.gunzipSync(raw)) : raw.toString("utf8");
    return JSON.parse(text) as ServiceModel;
  }
  return undefined;
}

/** Every constraint the input breaks, as AWS words it ("Value ... at 'path' failed to satisfy constraint: ..."). */
export function validateInput(service: string, model: ServiceModel, operation: string, input: unknown): string[] {
  const op = model.operations[operation];
  if (!op?.input) return [];
  const problems: string[] = [];
  // The query protocol (CloudFormation) sends every scalar as text.
  check(service, model, op.input.shape, input, "", problems, model.metadata?.protocol === "query");
  return problems;
}

export function formatValidation(problems: string[]): string {
  return `${problems.length} validation error${problems.length > 1 ? "s" : ""} detected: ${problems.join("; ")}`;
}

const patternCache = new Map<string, RegExp | null>();

function compile(pattern: string): RegExp | null {
  if (!patternCache.has(pattern)) {
    try {
      // AWS validates with whole-value (Java `matches`) semantics: "[a-z]*" must not pass "a!".
      patternCache.set(pattern, new RegExp(`^(?:${pattern})$`, "u"));
    } catch {
      patternCache.set(pattern, null); // a Java-only construct: skip rather than reject
    }
  }
  return patternCache.get(pattern)!;
}

function check(service: string, model: ServiceModel, shapeName: string, value: unknown, path: string, problems: string[], textScalars = false): void {
  const shape = model.shapes[shapeName];
  if (!shape || value === undefined || value === null) return;
  if (textScalars && typeof value === "string") {
    if (shape.type === "boolean") value = value === "true" ? true : value === "false" ? false : value;
    else if (["integer", "long", "float", "double"].includes(shape.type) && value.trim() !== "") value = Number(value);
  }
  const at = path || "input";
  const show = (v: unknown) => (typeof v === "string" ? v : JSON.stringify(v));
  const fail = (constraint: string): void => void problems.push(`Value '${show(value)}' at '${at}' failed to satisfy constraint: ${constraint}`);
  switch (shape.type) {
    case "structure": {
      if (typeof value !== "object" || Array.isArray(value)) return fail("Member must be a structure");
      const obj = value as Record<string, unknown>;
      for (const req of shape.required ?? []) {
        if (obj[req] === undefined || obj[req] === null) problems.push(`Value null at '${path ? `${path}.` : ""}${req}' failed to satisfy constraint: Member must not be null`);
      }
      for (const [name, member] of Object.entries(shape.members ?? {})) {
        if (member.location === "header" || member.location === "headers") continue;
        check(service, model, member.shape, obj[name], path ? `${path}.${name}` : name, problems, textScalars);
      }
      return;
    }
    case "list": {
      if (!Array.isArray(value)) return fail("Member must be a list");
      if (shape.min !== undefined && value.length < shape.min) fail(`Member must have length greater than or equal to ${shape.min}`);
      if (shape.max !== undefined && value.length > shape.max) fail(`Member must have length less than or equal to ${shape.max}`);
      value.forEach((v, i) => check(service, model, shape.member!.shape, v, `${at}.${i + 1}.member`, problems, textScalars));
      return;
    }
    case "map": {
      if (typeof value !== "object" || Array.isArray(value)) return fail("Member must be a map");
      const entries = Object.entries(value as Record<string, unknown>);
      if (shape.min !== undefined && entries.length < shape.min) fail(`Member must have length greater than or equal to ${shape.min}`);
      if (shape.max !== undefined && entries.length > shape.max) fail(`Member must have length less than or equal to ${shape.max}`);
      for (const [k, v] of entries) {
        check(service, model, shape.key!.shape, k, `${at}.key`, problems, textScalars);
        check(service, model, shape.value!.shape, v, `${at}.${k}`, problems, textScalars);
      }
      return;
    }
    case "string": {
      if (typeof value !== "string") return fail("Member must be a string");
      if (shape.enum && !shape.enum.includes(value)) return fail(`Member must satisfy enum value set: [${shape.enum.join(", ")}]`);
      const length = [...value].length;
      if (shape.min !== undefined && length < shape.min) fail(`Member must have length greater than or equal to ${shape.min}`);
      if (shape.max !== undefined && length > shape.max) fail(`Member must have length less than or equal to ${shape.max}`);
      if (shape.pattern && !BROKEN_PATTERNS.has(`${service}:${shapeName}`)) {
        const re = compile(shape.pattern);
        if (re && !re.test(value)) fail(`Member must satisfy regular expression pattern: ${shape.pattern}`);
      }
      return;
    }
    case "integer":
    case "long":
    case "float":
    case "double": {
      if (typeof value !== "number" || Number.isNaN(value)) return fail("Member must be a number");
      if ((shape.type === "integer" || shape.type === "long") && !Number.isInteger(value)) return fail("Member must be an integer");
      if (shape.min !== undefined && value < shape.min) fail(`Member must have value greater than or equal to ${shape.min}`);
      if (shape.max !== undefined && value > shape.max) fail(`Member must have value less than or equal to ${shape.max}`);
      return;
    }
    case "boolean":
      if (typeof value !== "boolean") fail("Member must be a boolean");
      return;
    default:
      return;
  }
}
