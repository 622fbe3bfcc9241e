/**
 * The mission, unchanged between targets: `ivsctl local` by default, a real AWS account with
 * IVSCTL_E2E_TARGET=aws (README "The end-to-end suite against real AWS"). Stages and tokens, key
 * rotation, timed metadata on a live channel (ffmpeg ingest), recording configurations, and the
 * sweeper. Everything is tagged `ivsctl:e2e=<run id>` against AWS and swept when the file ends.
 * Only ivsctl's public commands are used: no emulator route, no fault injection.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import type { Subprocess } from "bun";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { BIN, baseEnv, ensureBinary, json } from "../helpers/cli.ts";
import { E2E_TARGET, startTarget, type LocalEmulator, runUntilOk } from "../helpers/local.ts";
import { skipNote, skipReason, which } from "../helpers/tools.ts";

const HAS_FFMPEG = Boolean(which("ffmpeg"));
if (!HAS_FFMPEG) skipReason("mission: metadata on a live channel", "ffmpeg");
// A recording configuration needs an S3 bucket in the account's region; the emulator checks only the name.
const BUCKET = E2E_TARGET === "aws" ? process.env.IVSCTL_E2E_BUCKET : "ivsctl-e2e-recordings";
if (!BUCKET) skipNote("mission: recording configurations", "IVSCTL_E2E_TARGET=aws needs IVSCTL_E2E_BUCKET (an S3 bucket in the region)");

let target: LocalEmulator;
let dir: string;
const suffix = Date.now().toString(36);

beforeAll(async () => {
  ensureBinary();
  target = await startTarget();
  dir = mkdtempSync(join(tmpdir(), "ivsctl-mission-"));
});
afterAll(async () => {
  await target?.stop();
  rmSync(dir, { recursive: true, force: true });
});

describe(`the mission against ${E2E_TARGET === "aws" ? "AWS" : "ivsctl local"}`, () => {
  test("stages and tokens: create with a host token, API and self-signed tokens decode, delete", async () => {
    const created = await target.run(["stage", "create", "--name", `mission-${suffix}`, "--token-user-id", "host", "-o", "json"]);
    expect(created.code).toBe(0);
    const { stage, participantTokens } = json(created);
    const [participantToken] = participantTokens;
    expect(stage.arn).toMatch(/^arn:aws:ivs:[a-z0-9-]+:\d{12}:stage\/[A-Za-z0-9]{12}$/);
    const decoded = json(await target.run(["token", "decode", participantToken.token, "-o", "json"]));
    expect(decoded.header.alg).toBe("ES384");
    expect(decoded.claims.resource).toBe(stage.arn);
    const api = await target.run(["stage", "token", stage.arn, "--user-id", "viewer", "--capabilities", "subscribe", "-o", "json"]);
    expect(api.code).toBe(0);
    expect(json(api).participantToken.capabilities).toEqual(["SUBSCRIBE"]);

    // A key of our own (no stack): rotate writes the private half to a 0600 file, then sign with it.
    const keyFile = join(dir, "signing.pem");
    const rotated = await target.run(["keys", "rotate", "--private-key-file", keyFile, "--grace", "0s", "-o", "json"]);
    expect(rotated.code).toBe(0);
    const publicKeyArn = json(rotated).publicKeyArn;
    const signed = await target.run(["stage", "token", stage.arn, "--self-signed", "--private-key-file", keyFile, "--public-key-arn", publicKeyArn, "-o", "json"]);
    expect(signed.code).toBe(0);
    const claims = json(await target.run(["token", "decode", json(signed).participantToken.token, "-o", "json"]));
    expect([claims.header.kid, claims.claims.topic]).toEqual([publicKeyArn, stage.arn.split("/").pop()]);
    expect((await target.run(["keys", "delete", publicKeyArn, "--force", "--yes"])).code).toBe(0);
    expect((await target.run(["stage", "delete", stage.arn, "--yes"])).code).toBe(0);
    expect((await target.run(["stage", "get", stage.arn])).code).toBe(4);
  }, 60_000);

  test.skipIf(!BUCKET)("recording configurations: create --wait ACTIVE, a channel records with it, delete", async () => {
    const rec = await target.run(["recording", "create", "--bucket", BUCKET!, "--name", `mission-${suffix}`, "--wait", "-o", "json"]);
    expect(rec.code).toBe(0);
    const arn = json(rec).recordingConfiguration.arn;
    expect(json(rec).recordingConfiguration.state).toBe("ACTIVE");
    const ch = json(await target.run(["channel", "create", "--name", `mission-rec-${suffix}`, "--recording-config", arn, "-o", "json"])).channel;
    expect(ch.recordingConfigurationArn).toBe(arn);
    expect((await target.run(["recording", "delete", arn, "--yes"])).code).toBe(5); // in use
    expect((await target.run(["channel", "delete", ch.arn, "--yes"])).code).toBe(0);
    expect((await target.run(["recording", "delete", arn, "--yes"])).code).toBe(0);
    expect((await target.run(["recording", "delete", arn, "--yes", "--if-exists"])).code).toBe(0);
  }, 120_000);

  describe.skipIf(!HAS_FFMPEG)("timed metadata on a live channel", () => {
    let stream: Subprocess<"ignore", "pipe", "pipe"> | undefined;
    afterAll(async () => {
      stream?.kill("SIGINT");
      await stream?.exited;
    });

    test("ingest goes LIVE; metadata put is delivered; the stream shows in stream get and sessions", async () => {
      const ch = json(await target.run(["channel", "create", "--name", `mission-live-${suffix}`, "-o", "json"])).channel;
      stream = Bun.spawn([BIN, "ingest", ch.arn, "--duration", "40s", "--resolution", "360p", "-q", ...(E2E_TARGET === "local" ? ["--local"] : [])], { env: baseEnv(target.env), stdin: "ignore", stdout: "pipe", stderr: "pipe" });
      const put = await runUntilOk(target, ["metadata", "put", ch.arn, '{"question":"live?"}', "--json", "-o", "json"], 120, 500);
      expect(put.code).toBe(0);
      expect(json(put).bytes).toBe(20);
      expect(json(await target.run(["stream", "get", ch.arn, "-o", "json"])).stream.state).toBe("LIVE");
      stream.kill("SIGINT");
      expect(await stream.exited).toBe(130);
      stream = undefined;
      const sessions = json(await target.run(["stream", "sessions", ch.arn, "-o", "json"])).streamSessions;
      expect(sessions.length).toBeGreaterThan(0);
    }, 90_000);
  });

  test("the sweeper finds what a run tagged, and a dry run deletes nothing", async () => {
    const tag = `ivsctl:e2e-sweep=${suffix}`;
    const ch = json(await target.run(["channel", "create", "--name", `mission-sweep-${suffix}`, "--tag", tag, "-o", "json"])).channel;
    const dry = json(await target.run(["sweep", "--tag", tag, "--dry-run", "-o", "json"]));
    expect(dry.resources.map((r: { arn: string }) => r.arn)).toEqual([ch.arn]);
    expect((await target.run(["channel", "get", ch.arn])).code).toBe(0);
    const swept = await target.run(["sweep", "--tag", tag, "--yes", "-o", "json"]);
    expect(swept.code).toBe(0);
    expect((await target.run(["channel", "get", ch.arn])).code).toBe(4);
  }, 60_000);
});
