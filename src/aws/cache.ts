/**
 * A small on-disk cache for facts that cannot change under their key: a stack's resources for one
 * stack version (StackId + LastUpdatedTime), a task definition revision's containers. It saves AWS
 * calls across invocations without ever serving stale data. IVSCTL_NO_CACHE=1 turns it off.
 */
import { createHash } from "node:crypto";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { Env } from "../cli/io.ts";
import { ivsctlHome } from "../cli/home.ts";

export interface FactCache {
  get<T>(key: string): T | undefined;
  set(key: string, value: unknown): void;
}

export function factCache(env: Env): FactCache | undefined {
  if (env.IVSCTL_NO_CACHE === "1") return undefined;
  const dir = join(ivsctlHome(env), "cache");
  const file = (key: string) => join(dir, `${createHash("sha256").update(key).digest("hex").slice(0, 32)}.json`);
  return {
    get<T>(key: string): T | undefined {
      try {
        const doc = JSON.parse(readFileSync(file(key), "utf8")) as { key: string; value: T };
        return doc.key === key ? doc.value : undefined;
      } catch {
        return undefined; // missing or unreadable: ask AWS
      }
    },
    set(key: string, value: unknown): void {
      try {
        mkdirSync(dir, { recursive: true, mode: 0o700 });
        writeFileSync(file(key), JSON.stringify({ key, value }), { mode: 0o600 });
      } catch {
        // a read-only home only costs the calls the cache would have saved
      }
    },
  };
}
