import { randomBytes } from "node:crypto";
import { formatArn } from "../contract/arn.ts";

export const LOCAL_ACCOUNT = "123456789012";

const ALNUM = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";

/** Random alphanumerics, as IVS uses for resource ids (12 characters) and key material. */
export function randomId(length = 12, alphabet = ALNUM): string {
  const bytes = randomBytes(length);
  let s = "";
  for (const b of bytes) s += alphabet[b % alphabet.length];
  return s;
}


export function arnFor(service: string, region: string, resourceType: string, resourceId: string, account = LOCAL_ACCOUNT): string {
  return formatArn({ partition: "aws", service, region, account, resourceType, resourceId });
}

/** Opaque pagination tokens: base64 of the offset, as opaque to clients as AWS's own. */
export function paginate<T>(items: T[], nextToken: string | undefined, maxResults: number | undefined, defaultMax = 100): { page: T[]; nextToken?: string } {
  const start = nextToken ? Number(Buffer.from(nextToken, "base64url").toString("utf8").replace(/^o:/, "")) : 0;
  const size = maxResults ?? defaultMax;
  const page = items.slice(Number.isFinite(start) ? start : 0, (Number.isFinite(start) ? start : 0) + size);
  const end = start + page.length;
  return { page, nextToken: end < items.length ? Buffer.from(`o:${end}`).toString("base64url") : undefined };
}
