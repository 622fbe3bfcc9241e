/**
 * Start-up is a feature: loading every command definition (what `--help` and completion do) must
 * not load the AWS SDK, jose or fluent-ffmpeg. Each probe runs in a fresh Bun process.
 */
import { expect, test } from "bun:test";
import { join } from "node:path";

const ROOT = join(import.meta.dir, "..", "..");
const HEAVY = "/@aws-sdk|@smithy|fluent-ffmpeg|node_modules\\/jose/";

async function heavyModulesAfter(code: string): Promise<{ commands: number; heavy: string[] }> {
  const script = `${code}\nconst loaded = Object.keys(require.cache);\nconsole.log(JSON.stringify({ commands: globalThis.__commands ?? 0, heavy: loaded.filter((k) => ${HEAVY}.test(k)) }));`;
  const p = Bun.spawnSync(["bun", "-e", script], { cwd: ROOT, stdout: "pipe", stderr: "pipe" });
  if (p.exitCode !== 0) throw new Error(p.stderr.toString());
  return JSON.parse(p.stdout.toString().trim().split("\n").pop()!);
}

test("every command module loads without the AWS SDK, jose or fluent-ffmpeg", async () => {
  const r = await heavyModulesAfter(
    `const { rootCommand } = await import("./commands/index.ts"); const { commandTree } = await import("./src/cli/completion.ts"); globalThis.__commands = (await commandTree(rootCommand)).length;`,
  );
  expect(r.commands).toBeGreaterThan(60);
  expect(r.heavy).toEqual([]);
});

test("the probe sees the SDK when a domain module is loaded (so the check above can fail)", async () => {
  const r = await heavyModulesAfter(`await import("./src/channel/channels.ts");`);
  expect(r.heavy.length).toBeGreaterThan(0);
});
