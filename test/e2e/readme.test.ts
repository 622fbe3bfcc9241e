/** The README's worked CI example runs as written (against a detached emulator on a free port). */
import { expect, test } from "bun:test";
import { mkdtempSync, symlinkSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { BIN, ensureBinary, ROOT } from "../helpers/cli.ts";
import { exec, skipReason, which } from "../helpers/tools.ts";

const missing = ["jq", "ffmpeg"].filter((t) => !which(t));
if (missing.length) skipReason("README CI example", missing.join(" and "));

test.skipIf(missing.length > 0)("README 'Local mode in CI' script", async () => {
  ensureBinary();
  const readme = await Bun.file(join(ROOT, "README.md")).text();
  const block = /### Local mode in CI\n\n```sh\n([\s\S]*?)```/.exec(readme)?.[1];
  expect(block).toBeString();
  const home = mkdtempSync(join(tmpdir(), "ivsctl-readme-"));
  symlinkSync(BIN, join(home, "ivsctl"));
  const port = String(23000 + Math.floor(Math.random() * 20000));
  const script = block!.replace("--port 4599", `--port ${port}`);
  const r = await exec(["bash", "-c", script], { PATH: `${home}:${process.env.PATH}`, HOME: home, IVSCTL_HOME: home, NO_COLOR: "1" });
  if (r.code !== 0) console.error(r.stdout, r.stderr);
  expect(r.code).toBe(0);
}, 90_000);
