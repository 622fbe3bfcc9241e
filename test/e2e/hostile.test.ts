/**
 * Issue 12: the binary run as CI scripts and attackers run it. Files in the working directory
 * are not configuration (a Go-style binary reads no bunfig.toml or .env).
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { existsSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { BIN, baseEnv, ensureBinary } from "../helpers/cli.ts";

beforeAll(() => ensureBinary());

describe("no autoload of bunfig.toml or .env from the working directory", () => {
  let requests = 0;
  const listener = Bun.serve({
    port: 0,
    hostname: "127.0.0.1",
    fetch() {
      requests++;
      return new Response("{}", { headers: { "content-type": "application/json" } });
    },
  });
  afterAll(() => listener.stop(true));

  test("a preload in bunfig.toml does not run, and AWS_ENDPOINT_URL in .env is not used", async () => {
    const dir = mkdtempSync(join(tmpdir(), "ivsctl-autoload-"));
    const marker = join(dir, "preload-ran");
    writeFileSync(join(dir, "preload.ts"), `require("node:fs").writeFileSync(${JSON.stringify(marker)}, "x");\n`);
    writeFileSync(join(dir, "bunfig.toml"), `preload = ["./preload.ts"]\n`);
    writeFileSync(
      join(dir, ".env"),
      [`AWS_ENDPOINT_URL=http://127.0.0.1:${listener.port}`, "AWS_ACCESS_KEY_ID=AKIDATTACKER", "AWS_SECRET_ACCESS_KEY=x", "AWS_REGION=us-east-1", ""].join("\n"),
    );
    const proc = Bun.spawn([BIN, "channel", "list", "-o", "json"], { cwd: dir, env: baseEnv({ AWS_MAX_ATTEMPTS: "1" }), stdout: "pipe", stderr: "pipe" });
    const [, stderr, code] = await Promise.all([new Response(proc.stdout).text(), new Response(proc.stderr).text(), proc.exited]);
    expect(existsSync(marker)).toBe(false);
    expect(requests).toBe(0);
    // Without the .env there is no region: a configuration error, before any request.
    expect(code).toBe(3);
    expect(stderr).toContain("no AWS region");
  });
});
