/** Recording configuration flags -> CreateRecordingConfiguration fields, and the S3 bucket naming rules. Pure: no SDK. */
import { checkResourceName } from "../aws/resolve.ts";
import { usageError } from "../cli/errors.ts";

export const RENDITIONS = ["SD", "HD", "FULL_HD", "LOWEST_RESOLUTION"] as const;
export const THUMBNAIL_STORAGE = ["SEQUENTIAL", "LATEST"] as const;
export const THUMBNAIL_RESOLUTIONS = ["SD", "HD", "FULL_HD", "LOWEST_RESOLUTION"] as const;

/**
 * Why a name is not a valid S3 general purpose bucket name (AWS "Bucket naming rules"), or
 * undefined when it is. Shared by the CLI (before any call) and the emulator.
 */
export function s3BucketNameProblem(name: string): string | undefined {
  if (name.length < 3 || name.length > 63) return "must be 3 to 63 characters long";
  if (!/^[a-z0-9.-]+$/.test(name)) return "may hold only lowercase letters, digits, dots and hyphens";
  if (!/^[a-z0-9]/.test(name) || !/[a-z0-9]$/.test(name)) return "must begin and end with a letter or digit";
  if (name.includes("..")) return "must not contain two adjacent dots";
  if (/^\d{1,3}(\.\d{1,3}){3}$/.test(name)) return "must not be formatted as an IP address";
  for (const p of ["xn--", "sthree-", "amzn-s3-demo-"]) if (name.startsWith(p)) return `must not start with "${p}"`;
  for (const s of ["-s3alias", "--ol-s3", ".mrap", "--x-s3", "--table-s3"]) if (name.endsWith(s)) return `must not end with "${s}"`;
  return undefined;
}

export interface RecordingOptions {
  bucket: string;
  name?: string;
  /** "all", "none", or a list such as ["HD", "SD"]. */
  renditions?: "ALL" | "NONE" | (typeof RENDITIONS)[number][];
  /** Thumbnail interval in whole seconds (1-60); undefined: AWS default. 0 means thumbnails off. */
  thumbnailIntervalSeconds?: number;
  thumbnailStorage?: (typeof THUMBNAIL_STORAGE)[number][];
  thumbnailResolution?: (typeof THUMBNAIL_RESOLUTIONS)[number];
  disableThumbnails?: boolean;
  reconnectWindowSeconds?: number;
  tags?: Record<string, string>;
  wait: boolean;
}

/** Parse `--renditions HD,SD|all|none`. */
export function parseRenditions(value: string | undefined): RecordingOptions["renditions"] {
  if (value === undefined) return undefined;
  const v = value.trim();
  if (/^all$/i.test(v)) return "ALL";
  if (/^none$/i.test(v)) return "NONE";
  const list = v.split(",").map((s) => s.trim().toUpperCase());
  if (list.length === 0 || list.some((r) => !(RENDITIONS as readonly string[]).includes(r))) {
    throw usageError(`--renditions must be all, none, or a comma list of ${RENDITIONS.join(", ")} (got "${value}")`);
  }
  if (new Set(list).size !== list.length) throw usageError(`--renditions lists a rendition twice (got "${value}")`);
  return list as (typeof RENDITIONS)[number][];
}

export function parseThumbnailStorage(value: string | undefined): RecordingOptions["thumbnailStorage"] {
  if (value === undefined) return undefined;
  const list = value.split(",").map((s) => s.trim().toUpperCase());
  if (list.some((s) => !(THUMBNAIL_STORAGE as readonly string[]).includes(s))) {
    throw usageError(`--thumbnail-storage must be a comma list of ${THUMBNAIL_STORAGE.join(", ")} (got "${value}")`);
  }
  return [...new Set(list)] as (typeof THUMBNAIL_STORAGE)[number][];
}

/** The documented limits, checked before any call. */
export function checkRecordingOptions(o: RecordingOptions): void {
  const problem = s3BucketNameProblem(o.bucket);
  if (problem) throw usageError(`--bucket "${o.bucket}" is not a valid S3 bucket name: it ${problem}`);
  checkResourceName(o.name);
  if (o.thumbnailIntervalSeconds !== undefined && (o.thumbnailIntervalSeconds < 1 || o.thumbnailIntervalSeconds > 60 || !Number.isInteger(o.thumbnailIntervalSeconds))) {
    throw usageError(`--thumbnails must be a whole number of seconds from 1s to 60s (got ${o.thumbnailIntervalSeconds}s)`);
  }
  if (o.disableThumbnails && (o.thumbnailIntervalSeconds !== undefined || o.thumbnailStorage || o.thumbnailResolution)) {
    throw usageError("--no-thumbnails contradicts --thumbnails / --thumbnail-storage / --thumbnail-resolution");
  }
  if (o.reconnectWindowSeconds !== undefined && (o.reconnectWindowSeconds < 0 || o.reconnectWindowSeconds > 300 || !Number.isInteger(o.reconnectWindowSeconds))) {
    throw usageError(`--reconnect-window must be a whole number of seconds from 0s to 300s (got ${o.reconnectWindowSeconds}s)`);
  }
}

/** Our options -> the CreateRecordingConfiguration request, fields named exactly as the API names them. */
export function toRecordingRequest(o: RecordingOptions): Record<string, unknown> {
  const req: Record<string, unknown> = { destinationConfiguration: { s3: { bucketName: o.bucket } } };
  if (o.name !== undefined) req.name = o.name;
  if (o.renditions !== undefined) {
    req.renditionConfiguration = Array.isArray(o.renditions)
      ? { renditionSelection: "CUSTOM", renditions: o.renditions }
      : { renditionSelection: o.renditions };
  }
  if (o.disableThumbnails) req.thumbnailConfiguration = { recordingMode: "DISABLED" };
  else if (o.thumbnailIntervalSeconds !== undefined || o.thumbnailStorage || o.thumbnailResolution) {
    const t: Record<string, unknown> = { recordingMode: "INTERVAL" };
    if (o.thumbnailIntervalSeconds !== undefined) t.targetIntervalSeconds = o.thumbnailIntervalSeconds;
    if (o.thumbnailResolution) t.resolution = o.thumbnailResolution;
    if (o.thumbnailStorage) t.storage = o.thumbnailStorage;
    req.thumbnailConfiguration = t;
  }
  if (o.reconnectWindowSeconds !== undefined) req.recordingReconnectWindowSeconds = o.reconnectWindowSeconds;
  if (o.tags) req.tags = o.tags;
  return req;
}
