/**
 * `ivsctl ingest` end to end: the compiled binary runs real ffmpeg into the emulator's RTMPS
 * listener (or a third-party nginx-rtmp server through --url).
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { BIN, baseEnv, ensureBinary, ivsctl, json } from "../helpers/cli.ts";
import { startEmulator, type LocalEmulator } from "../helpers/local.ts";
import { startNginxRtmps, type NginxRtmps } from "../helpers/nginx.ts";
import { skipReason, which } from "../helpers/tools.ts";
import { alive, childPids, waitFor } from "../helpers/proc.ts";

const HAS_FFMPEG = Boolean(which("ffmpeg"));
if (!HAS_FFMPEG) skipReason("ingest tests with real ffmpeg", "ffmpeg");

let local: LocalEmulator;
let dir: string;
let channelArn: string;
let streamKey: string;

beforeAll(async () => {
  ensureBinary();
  local = await startEmulator();
  dir = mkdtempSync(join(tmpdir(), "ivsctl-ingest-"));
  const created = json(await local.run(["channel", "create", "--name", "ingest-e2e", "--show-secrets", "-o", "json"]));
  channelArn = created.channel.arn;
  streamKey = created.streamKey.value;
});
afterAll(() => local?.stop());

/** A dead endpoint: a command that reached AWS would fail with exit 6, not 2. */
const NO_AWS = { IVSCTL_LOCAL_ENDPOINT: "http://127.0.0.1:9" };

const isLive = async () => (await local.run(["metadata", "put", "ingest-e2e", "probe"])).code === 0;

describe("ingest: bad input is exit 2 before any AWS call", () => {
  const cases: [string, string[], RegExp][] = [
    ["--bitrate 20M", ["ingest", "demo", "--bitrate", "20M"], /--bitrate 20 Mbps is above the IVS limit of 8.5 Mbps/],
    ["--resolution 4k", ["ingest", "demo", "--resolution", "4k"], /--resolution 4k is above the IVS limit of 1080p/],
    ["--fps 0", ["ingest", "demo", "--fps", "0"], /--fps must be between 1 and 60/],
    ["missing --file", ["ingest", "demo", "--file", "/nonexistent/clip.mp4"], /--file not found: \/nonexistent\/clip.mp4/],
    ["bare --bitrate", ["ingest", "demo", "--bitrate", "3000"], /--bitrate 3000 means 3000 bit\/s/],
    ["no target", ["ingest"], /give a channel, --stage STAGE or --url/],
    ["stage above 720p", ["ingest", "--stage", "s", "--resolution", "1080p"], /above the stage limit of 720p/],
    ["stage audio above 160k", ["ingest", "--stage", "s", "--audio-bitrate", "192k"], /above the stage limit of 160k/],
  ];
  for (const [name, args, message] of cases) {
    test(name, async () => {
      const r = await ivsctl([...args, "--local"], { env: NO_AWS });
      expect(r.code).toBe(2);
      expect(r.stdout).toBe("");
      expect(r.stderr.split("\n")[0]).toMatch(message);
    });
  }

  test("a BASIC channel's 3.5 Mbps limit is named (exit 2, before ffmpeg)", async () => {
    await local.run(["channel", "create", "--name", "basic-e2e", "--type", "BASIC"]);
    const r = await local.run(["ingest", "basic-e2e", "--bitrate", "5M", "--duration", "2s"]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("--bitrate 5 Mbps is above the BASIC channel limit of 3.5 Mbps");
  });
});

describe.skipIf(!HAS_FFMPEG)("ingest with real ffmpeg into ivsctl local", () => {
  test("--dry-run prints the exact ffmpeg command with IVS settings and the key redacted", async () => {
    const r = await local.run(["ingest", "ingest-e2e", "--dry-run", "-o", "json"]);
    expect(r.code).toBe(0);
    const out = json(r);
    const cmd: string[] = out.command;
    expect(cmd[0]).toBe("ffmpeg");
    const after = (flag: string) => cmd[cmd.indexOf(flag) + 1];
    expect([after("-c:v"), after("-profile:v"), after("-c:a"), after("-profile:a")]).toEqual(["libx264", "main", "aac", "aac_low"]);
    expect([after("-b:v"), after("-maxrate"), after("-bufsize")]).toEqual(["3500k", "3500k", "3500k"]);
    expect([after("-g"), after("-keyint_min"), after("-sc_threshold")]).toEqual(["60", "60", "0"]);
    expect(cmd.at(-1)).toMatch(/^rtmps:\/\/127\.0\.0\.1:\d+\/app\/sk_us-east-1_[A-Za-z0-9]{12}_\*\*\*\*[A-Za-z0-9]{4}$/);
    expect(r.stdout + r.stderr).not.toContain(streamKey);
    expect(out.commandLine).toStartWith("ffmpeg -hide_banner -nostdin");
  });

  test("streams until --duration: LIVE while media flows, metadata delivered, then ChannelNotBroadcasting", async () => {
    const proc = Bun.spawn([BIN, "ingest", "ingest-e2e", "--duration", "5s", "--wait-live", "-o", "json", "--local"], { env: baseEnv(local.env), stdout: "pipe", stderr: "pipe" });
    await waitFor("the channel to go LIVE", isLive);
    const put = await local.run(["metadata", "put", "ingest-e2e", '{"quiz":1}', "--json", "-o", "json"]);
    expect(put.code).toBe(0);
    expect(json(put)).toEqual({ channelArn, bytes: 10, attempts: 1 });
    const [stdout, stderr, code] = await Promise.all([new Response(proc.stdout).text(), new Response(proc.stderr).text(), proc.exited]);
    expect(code).toBe(0);
    // -o json is JSON Lines: {"event":"live"} when the stream is LIVE, then {"event":"summary"} (issue 12).
    const events = stdout.trim().split("\n").map((l) => JSON.parse(l));
    expect(events.map((e) => e.event)).toEqual(["live", "summary"]);
    expect(events[0].target).toBe(channelArn);
    expect(typeof events[0].liveAfterMs).toBe("number");
    const summary = events[1];
    expect(summary.target).toBe(channelArn);
    expect(summary.frames).toBeGreaterThan(100);
    expect(summary.mediaSeconds).toBeGreaterThanOrEqual(4.9);
    expect(typeof summary.liveAfterMs).toBe("number");
    expect(stderr).toMatch(/LIVE after \d+\.\d\d s/);
    expect(stderr).not.toContain(streamKey);
    const inspected = (await (await fetch(`${local.endpoint}/_ivsctl/metadata?channelArn=${encodeURIComponent(channelArn)}`)).json()) as any;
    expect(inspected.deliveries.map((d: { metadata: string }) => d.metadata)).toContain('{"quiz":1}');
    await waitFor("the channel to go OFFLINE", async () => !(await isLive()));
    const offline = await local.run(["metadata", "put", "ingest-e2e", "late"]);
    expect(offline.code).toBe(5);
    expect(offline.stderr).toContain("channel is offline: start a stream first (ivsctl ingest ingest-e2e)");
  }, 30_000);

  test("a wrong stream key is refused by the listener: exit 7 with ffmpeg's one meaningful line", async () => {
    const keyFile = join(dir, "wrong.key");
    writeFileSync(keyFile, "sk_us-east-1_abcdABCDefgh_WrongWrongWrongWrongWrongWr12\n", { mode: 0o600 });
    const r = await local.run(["ingest", "ingest-e2e", "--stream-key-file", keyFile, "--duration", "3s"]);
    expect(r.code).toBe(7);
    const lines = r.stderr.trim().split("\n").filter((l) => l.startsWith("error:"));
    expect(lines).toEqual(["error: ffmpeg failed: Server error: invalid stream key (FfmpegFailed)"]);
    expect(r.stderr).not.toContain("WrongWrongWrongWrongWrongWr12");
  }, 20_000);

  test("SIGINT stops ffmpeg cleanly: exit 130, no ffmpeg left, channel OFFLINE", async () => {
    const proc = Bun.spawn([BIN, "ingest", "ingest-e2e", "--local", "-o", "json"], { env: baseEnv(local.env), stdout: "pipe", stderr: "pipe" });
    await waitFor("the channel to go LIVE", isLive);
    const ffmpegPids = childPids(proc.pid).filter((p) => readFileSync(`/proc/${p}/cmdline`, "utf8").startsWith("ffmpeg") || readFileSync(`/proc/${p}/cmdline`, "utf8").includes("/ffmpeg"));
    expect(ffmpegPids.length).toBe(1);
    proc.kill("SIGINT");
    const [stdout, stderr, code] = await Promise.all([new Response(proc.stdout).text(), new Response(proc.stderr).text(), proc.exited]);
    expect(code).toBe(130);
    expect(stderr).toMatch(/error: interrupted \(SIGINT\): ffmpeg stopped after [\d.]+ s of media/);
    const events = stdout.trim().split("\n").map((l) => JSON.parse(l));
    expect(events.at(-1)).toMatchObject({ event: "summary", interrupted: "SIGINT" });
    expect(alive(ffmpegPids[0]!)).toBe(false);
    await waitFor("the channel to go OFFLINE", async () => !(await isLive()));
  }, 30_000);

  test("ffmpeg missing: exit 7 with the install hint", async () => {
    const r = await local.run(["ingest", "ingest-e2e", "--duration", "2s"], { env: { PATH: "/nonexistent" } });
    expect(r.code).toBe(7);
    expect(r.stderr).toContain("error: ffmpeg is not installed (or not on PATH) (FfmpegMissing)");
    expect(r.stderr).toContain("hint: install ffmpeg");
  });
});

const HAS_NGINX_RTMP = Boolean(which("nginx")) && HAS_FFMPEG;
if (!HAS_NGINX_RTMP) skipReason("ingest --url into nginx-rtmp", "nginx (libnginx-mod-rtmp, libnginx-mod-stream)");

describe.skipIf(!HAS_NGINX_RTMP)("ingest --url into a third-party RTMPS server (nginx-rtmp behind TLS)", () => {
  let nginx: NginxRtmps | undefined;
  afterAll(() => nginx?.stop());

  test("publishes with the key from --stream-key-file; nginx accepts it and sees the publish end", async () => {
    nginx = await startNginxRtmps({ acceptKey: "thirdpartykey123" });
    const keyFile = join(dir, "nginx.key");
    writeFileSync(keyFile, "thirdpartykey123", { mode: 0o600 });
    const r = await ivsctl(["ingest", "--url", `rtmps://127.0.0.1:${nginx.tlsPort}/live`, "--stream-key-file", keyFile, "--duration", "3s", "--resolution", "360p", "-o", "json"]);
    expect(r.stderr).not.toContain("thirdpartykey123");
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout.trim().split("\n").at(-1)!).frames).toBeGreaterThan(60);
    expect(nginx.published()).toContain("thirdpartykey123");
    await waitFor("nginx to report the publish done", async () => nginx!.publishDone().includes("thirdpartykey123"), 20);

    writeFileSync(keyFile, "notthekey999", { mode: 0o600 });
    const refused = await ivsctl(["ingest", "--url", `rtmps://127.0.0.1:${nginx.tlsPort}/live`, "--stream-key-file", keyFile, "--duration", "2s"]);
    expect(refused.code).toBe(7);
    expect(refused.stderr).toMatch(/^error: ffmpeg failed: .+ \(FfmpegFailed\)$/m);
    expect(refused.stderr).not.toContain("notthekey999");
  }, 30_000);
});
