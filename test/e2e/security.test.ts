/**
 * Secrets stay secret: a stream key, SRT passphrase or private key never reaches stdout, stderr or
 * the argv of a child process, in any format, unless --show-secrets. ffmpeg is the one exception
 * (its output URL must carry the key; see README "Secrets").
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { mkdtempSync, readFileSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { BIN, baseEnv, ensureBinary, json } from "../helpers/cli.ts";
import { startEmulator, type LocalEmulator } from "../helpers/local.ts";
import { argvOf, childPids, waitFor } from "../helpers/proc.ts";
import { skipReason, which } from "../helpers/tools.ts";

let local: LocalEmulator;
let streamKey = "";
let passphrase = "";
let privateKeyPem = "";
const dir = mkdtempSync(join(tmpdir(), "ivsctl-sec-"));
const keyFile = join(dir, "playback.pem");

beforeAll(async () => {
  ensureBinary();
  local = await startEmulator();
  const made = json(await local.run(["channel", "create", "--name", "sec", "--authorized", "--show-secrets", "-o", "json"]));
  streamKey = made.streamKey.value;
  passphrase = made.channel.srt.passphrase;
  expect((await local.run(["playback-key", "create", "--name", "sec", "--out", keyFile])).code).toBe(0);
  privateKeyPem = readFileSync(keyFile, "utf8");
});
afterAll(() => local?.stop());

// The secret part of a real key is what follows sk_<region>_<key id>_.
const secrets = () => [streamKey, streamKey.slice(streamKey.lastIndexOf("_") + 1), passphrase, privateKeyPem.split("\n")[1]!];

describe("no secret in any output without --show-secrets", () => {
  const commands = [
    ["channel", "get", "sec"],
    ["channel", "list"],
    ["stream-key", "list", "sec"],
    ["stream-key", "get", "sec"],
    ["playback-key", "list"],
    ["channel", "token", "sec", "--key", keyFile],
    ["ingest", "sec", "--dry-run"],
    ["channel", "get", "sec", "--debug"],
  ];
  for (const args of commands) {
    for (const format of ["table", "json", "text"]) {
      test(`ivsctl ${args.join(" ")} -o ${format}`, async () => {
        const r = await local.run([...args, "-o", format]);
        expect(r.code).toBe(0);
        for (const s of secrets()) expect(r.stdout + r.stderr).not.toContain(s);
      });
    }
  }
  test("--show-secrets does show the stream key (so the checks above can fail)", async () => {
    const r = await local.run(["stream-key", "get", "sec", "--show-secrets", "-o", "json"]);
    expect(r.stdout).toContain(streamKey);
  });
});

describe("key files", () => {
  test("private keys are written with mode 0600", () => {
    expect(statSync(keyFile).mode & 0o777).toBe(0o600);
    expect(privateKeyPem).toStartWith("-----BEGIN PRIVATE KEY-----");
  });
});

const HAS_FFMPEG = Boolean(which("ffmpeg"));
if (!HAS_FFMPEG) skipReason("child-process argv check during ingest", "ffmpeg");
describe.skipIf(!HAS_FFMPEG)("child processes", () => {
  test("during ingest only ffmpeg's argv holds the stream key; ivsctl's own argv never does", async () => {
    const proc = Bun.spawn([BIN, "ingest", "sec", "--duration", "20s", "--local"], { env: baseEnv(local.env), stdout: "ignore", stderr: "pipe" });
    let kids: number[] = [];
    await waitFor("ffmpeg", () => {
      kids = childPids(proc.pid);
      return kids.some((p) => argvOf(p)[0]?.endsWith("ffmpeg") && argvOf(p).some((a) => a.startsWith("rtmps://")));
    });
    expect(argvOf(proc.pid).join(" ")).not.toContain(streamKey);
    for (const pid of kids) {
      const argv = argvOf(pid);
      const isPublisher = argv[0]?.endsWith("ffmpeg") && argv.some((a) => a.startsWith("rtmps://"));
      if (!isPublisher) expect(argv.join(" ")).not.toContain(streamKey);
    }
    proc.kill("SIGINT");
    const stderr = await new Response(proc.stderr).text();
    expect(await proc.exited).toBe(130);
    expect(stderr).not.toContain(streamKey);
  }, 40_000);
});
