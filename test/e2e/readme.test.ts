/** The README's worked CI example runs as written (against a detached emulator on a free port). */
import { expect, test } from "bun:test";
import { mkdtempSync, symlinkSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { BIN, ensureBinary, ROOT } from "../helpers/cli.ts";
import { startEmulator } from "../helpers/local.ts";
import { exec, skipReason, which } from "../helpers/tools.ts";

const missing = ["jq", "ffmpeg"].filter((t) => !which(t));
if (missing.length) skipReason("README CI example", missing.join(" and "));

test.skipIf(missing.length > 0)("README 'Local mode in CI' script, verbatim, twice at once without interference", async () => {
  ensureBinary();
  const readme = await Bun.file(join(ROOT, "README.md")).text();
  const block = /### Local mode in CI\n[\s\S]*?```sh\n([\s\S]*?)```/.exec(readme)?.[1];
  expect(block).toBeString();
  expect(block).not.toContain("sleep");
  const runs = [0, 1].map(async () => {
    const home = mkdtempSync(join(tmpdir(), "ivsctl-readme-"));
    symlinkSync(BIN, join(home, "ivsctl"));
    // The script sets its own IVSCTL_HOME (mktemp): two CI jobs on one runner.
    return exec(["bash", "-c", block!], { PATH: `${home}:${process.env.PATH}`, HOME: home, NO_COLOR: "1", TMPDIR: home });
  });
  for (const r of await Promise.all(runs)) {
    if (r.code !== 0) console.error(r.stdout, r.stderr);
    expect(r.code).toBe(0);
  }
}, 120_000);

test.skipIf(!which("aws"))("README's AWS CLI example runs as written (dummy credentials and a region included)", async () => {
  ensureBinary();
  const readme = await Bun.file(join(ROOT, "README.md")).text();
  const command = /`(AWS_ACCESS_KEY_ID=[^`]*aws ivs list-channels[^`]*)`/.exec(readme)?.[1];
  expect(command).toBeString();
  const local = await startEmulator();
  try {
    const r = await exec(["bash", "-c", command!.replace("http://127.0.0.1:4599", local.endpoint)], { PATH: process.env.PATH ?? "", HOME: mkdtempSync(join(tmpdir(), "ivsctl-awscli-")) });
    if (r.code !== 0) console.error(r.stdout, r.stderr);
    expect(r.code).toBe(0);
    // The emulator starts with one channel, the seeded `ivsctl-channel` stack's.
    expect(JSON.parse(r.stdout).channels.map((c: { name: string }) => c.name)).toEqual(["ivsctl-channel-channel"]);
  } finally {
    await local.stop();
  }
}, 60_000);
