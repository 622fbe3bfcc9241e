/** The README's main job: `ivsctl demo` walks the whole mission against the embedded emulator. */
import { beforeAll, expect, test } from "bun:test";
import { ensureBinary, ivsctl } from "../helpers/cli.ts";
import { which } from "../helpers/tools.ts";

beforeAll(ensureBinary);

test("ivsctl demo: every step ok (ingest skipped only without ffmpeg), summary last, no secret printed", async () => {
  const r = await ivsctl(["demo", "-o", "json"], { timeoutMs: 90_000 });
  expect(r.code).toBe(0);
  const summary = JSON.parse(r.stdout);
  const statuses = summary.steps.map((s: { status: string }) => s.status);
  expect(statuses).toHaveLength(10);
  const expected = Array(10).fill("ok");
  if (!which("ffmpeg")) expected[6] = "skipped";
  expect(statuses).toEqual(expected);
  expect(r.stderr).toContain("is CONNECTED (signature, expiry and stage checked)");
  expect(r.stdout + r.stderr).not.toMatch(/sk_us-east-1_[A-Za-z0-9]{12}_[A-Za-z0-9]{5,}/); // the secret part of a real-shaped key
  expect(r.stderr).toContain("Stack    ivsctl-channel"); // the channel steps run with --stack ivsctl-channel
  expect(r.stdout + r.stderr).not.toContain("BEGIN PRIVATE KEY");
}, 120_000);
