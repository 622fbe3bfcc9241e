import { usageError } from "../cli/errors.ts";

/**
 * `--tag k=v` (repeatable) -> the AWS tags map, with AWS's documented limits checked up front.
 * IVSCTL_DEFAULT_TAGS ("k=v,k2=v2") adds tags to everything created (an explicit --tag wins):
 * the end-to-end suite tags what it creates in a real account this way, for `ivsctl sweep`.
 */
export function parseTags(pairs: string[], env: Record<string, string | undefined>): Record<string, string> | undefined {
  const defaults = (env.IVSCTL_DEFAULT_TAGS ?? "").split(",").map((p) => p.trim()).filter(Boolean);
  const explicitKeys = new Set(pairs.map((p) => p.slice(0, p.indexOf("="))));
  const all = [...defaults.filter((d) => !explicitKeys.has(d.slice(0, d.indexOf("=")))), ...pairs];
  if (all.length === 0) return undefined;
  const tags: Record<string, string> = {};
  for (const pair of all) {
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

/** Tags as one table cell, `k=v,k2=v2`: the inverse of the `--tag k=v` flags parseTags reads. */
export function tagsCell(tags: Record<string, string> | undefined): string {
  return Object.entries(tags ?? {}).map(([k, v]) => `${k}=${v}`).join(",");
}
