/** Where a detached `ivsctl local` records itself, so `--local`, `local stop` and `local status` find it. Light: no server code. */
import { chmodSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { homedir } from "node:os";
import { join } from "node:path";
import type { Env } from "./io.ts";

export interface LocalRuntime {
  pid: number;
  endpoint: string;
  statePath: string;
  startedAt: string;
}

export function ivsctlHome(env: Env): string {
  return env.IVSCTL_HOME || join(env.HOME || homedir(), ".ivsctl");
}

/** ivsctl's own directory (the emulator's state, the runtime file, the fact cache): private, 0700 even if it existed looser. */
export function ensureHome(env: Env): string {
  const home = ivsctlHome(env);
  mkdirSync(home, { recursive: true, mode: 0o700 });
  chmodSync(home, 0o700);
  return home;
}

export function runtimeFile(env: Env): string {
  return join(ivsctlHome(env), "local.json");
}

export function defaultStatePath(env: Env): string {
  return join(ivsctlHome(env), "local.sqlite");
}

export function readRuntime(env: Env): LocalRuntime | undefined {
  const file = runtimeFile(env);
  if (!existsSync(file)) return undefined;
  try {
    return JSON.parse(readFileSync(file, "utf8")) as LocalRuntime;
  } catch {
    return undefined;
  }
}

export function writeRuntime(env: Env, rt: LocalRuntime): void {
  ensureHome(env);
  writeFileSync(runtimeFile(env), JSON.stringify(rt, null, 2), { mode: 0o600 });
}

export function clearRuntime(env: Env): void {
  rmSync(runtimeFile(env), { force: true });
}
