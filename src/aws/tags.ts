import { usageError } from "../cli/errors.ts";

/** `--tag k=v` (repeatable) -> the AWS tags map, with AWS's documented limits checked up front. */
export function parseTags(pairs: string[]): Record<string, string> | undefined {
  if (pairs.length === 0) return undefined;
  const tags: Record<string, string> = {};
  for (const pair of pairs) {
    const eq = pair.indexOf("=");
    if (eq <= 0) throw usageError(`--tag must be key=value (got "${pair}")`);
    const key = pair.slice(0, eq);
    const value = pair.slice(eq + 1);
    if (key.length > 128) throw usageError(`tag key is longer than 128 characters: "${key.slice(0, 20)}…"`);
    if (value.length > 256) throw usageError(`tag value for "${key}" is longer than 256 characters`);
    if (key.toLowerCase().startsWith("aws:")) throw usageError(`tag keys starting with "aws:" are reserved (got "${key}")`);
    if (key in tags) throw usageError(`tag "${key}" given twice`);
    tags[key] = value;
  }
  if (Object.keys(tags).length > 50) throw usageError("at most 50 tags per resource");
  return tags;
}
