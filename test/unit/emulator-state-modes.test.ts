/**
 * The emulator's state file holds private keys and stream keys: it is 0600, its SQLite side files
 * too, and a directory made for it is 0700 (issue 12, Security 3), whatever the umask.
 */
import { afterAll, beforeAll, expect, test } from "bun:test";
import { chmodSync, existsSync, mkdtempSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startLocalServer } from "../../src/local/server.ts";

const mode = (p: string) => (statSync(p).mode & 0o777).toString(8);
let root: string;
let umask: number;
beforeAll(() => {
  root = mkdtempSync(join(tmpdir(), "ivsctl-state-"));
  umask = process.umask(0); // the loosest umask: modes must not depend on it
});
afterAll(() => {
  process.umask(umask);
  rmSync(root, { recursive: true, force: true });
});

test("a new state file is 0600 in a new 0700 directory, with its -wal and -shm files 0600", async () => {
  const path = join(root, "home", ".ivsctl", "local.sqlite");
  const server = await startLocalServer({ port: 0, statePath: path, validate: false });
  try {
    await fetch(`${server.url}/CreateChannel`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ name: "c" }) });
    expect(mode(join(root, "home", ".ivsctl"))).toBe("700");
    expect(mode(join(root, "home"))).toBe("700");
    expect(mode(path)).toBe("600");
    expect(existsSync(`${path}-wal`)).toBe(true);
    expect(mode(`${path}-wal`)).toBe("600");
    expect(mode(`${path}-shm`)).toBe("600");
  } finally {
    await server.stop();
  }
});

test("an existing 0644 state file (and side file) is tightened to 0600; an existing directory is left alone", async () => {
  const dir = join(root, "shared");
  const path = join(dir, "old.sqlite");
  const first = await startLocalServer({ port: 0, statePath: path, validate: false });
  await first.stop();
  chmodSync(dir, 0o755);
  chmodSync(path, 0o644);
  writeFileSync(`${path}-shm`, "");
  chmodSync(`${path}-shm`, 0o666);
  const server = await startLocalServer({ port: 0, statePath: path, validate: false });
  try {
    expect(mode(path)).toBe("600");
    expect(mode(`${path}-shm`)).toBe("600");
    expect(mode(dir)).toBe("755");
  } finally {
    await server.stop();
  }
});

test("ivsctl's own home (IVSCTL_HOME) is made 0700, even when it existed looser", async () => {
  const { ensureHome } = await import("../../src/cli/home.ts");
  const home = join(root, "ivsctl-home");
  expect(ensureHome({ IVSCTL_HOME: home })).toBe(home);
  expect(mode(home)).toBe("700");
  chmodSync(home, 0o755);
  ensureHome({ IVSCTL_HOME: home });
  expect(mode(home)).toBe("700");
});
