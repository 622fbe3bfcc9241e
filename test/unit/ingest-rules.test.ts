/**
 * Issue 11 §3 "Ingest media rules": the emulator reads profile and B-frames from the AVC stream,
 * the size from the SPS, the bitrate as a 5-second average, and disconnects a publisher that breaks
 * IVS's rules: for a stage after a PUBLISH_ERROR participant event (ListParticipantEvents), for a
 * channel by ending the session. Clips are encoded once by ffmpeg and sent with `-c copy`.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { CreateChannelCommand, GetStreamSessionCommand, IvsClient, ListStreamSessionsCommand } from "@aws-sdk/client-ivs";
import {
  CreateIngestConfigurationCommand,
  CreateStageCommand,
  GetParticipantCommand,
  IVSRealTimeClient,
  ListParticipantEventsCommand,
  ListStageSessionsCommand,
} from "@aws-sdk/client-ivs-realtime";
import { BitrateWindow, channelViolation, stageViolation, type SeenMedia } from "../../src/local/rtmp/ingest-rules.ts";
import { spsFrameSize } from "../../src/local/rtmp/media.ts";
import { startLocalServer, type LocalServer } from "../../src/local/server.ts";
import { skipReason, which } from "../helpers/tools.ts";

const base: SeenMedia = { videoCodec: "avc1.42C01F", avcProfile: 66, width: 1280, height: 720, bFrames: false, videoFrames: 100, audioCodec: "mp4a.40.2", totalBps: 3_000_000, audioBps: 128_000 };

describe("rules (pure)", () => {
  test("stage: Baseline, no B-frames, at most 720p, 8.5 Mbps and AAC-LC 160 kbps, 10% tolerance", () => {
    expect(stageViolation(base)).toBeUndefined();
    expect(stageViolation({ ...base, width: 720, height: 1280 })).toBeUndefined(); // portrait 720p
    expect(stageViolation({ ...base, width: 1920, height: 1080 })?.code).toBe("RESOLUTION_EXCEEDED");
    expect(stageViolation({ ...base, avcProfile: 100, bFrames: true })?.code).toBe("B_FRAME_PRESENT");
    expect(stageViolation({ ...base, avcProfile: 77 })?.code).toBe("INVALID_VIDEO_CODEC");
    expect(stageViolation({ ...base, avcProfile: 77, videoFrames: 3 })).toBeUndefined(); // verdict waits for frames
    expect(stageViolation({ ...base, videoCodec: "flv-codec-4" })?.code).toBe("INVALID_VIDEO_CODEC");
    expect(stageViolation({ ...base, audioCodec: "mp3" })?.code).toBe("INVALID_AUDIO_CODEC");
    expect(stageViolation({ ...base, totalBps: 9_300_000 })).toBeUndefined(); // within 10% of 8.5
    expect(stageViolation({ ...base, totalBps: 9_400_000 })?.code).toBe("BITRATE_EXCEEDED");
    expect(stageViolation({ ...base, audioBps: 190_000 })?.code).toBe("BITRATE_EXCEEDED");
  });
  test("channels: by type", () => {
    expect(channelViolation("STANDARD", { ...base, width: 1920, height: 1080, totalBps: 8_000_000, avcProfile: 100, bFrames: true })).toBeUndefined();
    expect(channelViolation("STANDARD", { ...base, width: 2560, height: 1440 })?.code).toBe("RESOLUTION_EXCEEDED");
    expect(channelViolation("STANDARD", { ...base, totalBps: 9_500_000 })?.code).toBe("BITRATE_EXCEEDED");
    expect(channelViolation("BASIC", { ...base, width: 854, height: 480, totalBps: 1_600_000 })).toBeUndefined();
    expect(channelViolation("BASIC", { ...base, width: 854, height: 480, totalBps: 1_700_000 })?.code).toBe("BITRATE_EXCEEDED");
    expect(channelViolation("BASIC", { ...base, totalBps: 3_800_000 })).toBeUndefined();
    expect(channelViolation("BASIC", { ...base, totalBps: 3_900_000 })?.code).toBe("BITRATE_EXCEEDED");
  });
  test("bitrate: video plus audio over the last whole 5 seconds of media time", () => {
    const w = new BitrateWindow();
    for (let t = 0; t < 4_000; t += 100) w.add(t, "video", 50_000); // 4 Mbps
    expect(w.average()).toBeUndefined(); // under 5 s of media
    for (let t = 4_000; t <= 6_500; t += 100) {
      w.add(t, "video", 50_000);
      w.add(t, "audio", 2_000);
    }
    // seconds 1..5 (the 6th is still filling): 4 Mbps video; audio 160 kbps in seconds 4 and 5 only
    expect(w.average()).toEqual({ totalBps: 4_000_000 + 64_000, audioBps: 64_000 });
  });
});

const HAS_FFMPEG = Boolean(which("ffmpeg"));
if (!HAS_FFMPEG) skipReason("SPS sizes and ingest rules with encoded clips", "ffmpeg");

const dir = mkdtempSync(join(tmpdir(), "ivsctl-rules-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function ffmpeg(args: string[]): void {
  const r = Bun.spawnSync(["ffmpeg", "-hide_banner", "-v", "error", "-y", ...args], { stderr: "pipe" });
  if (r.exitCode !== 0) throw new Error(`ffmpeg ${args.join(" ")}: ${r.stderr.toString()}`);
}

/** A short clip, encoded once: testsrc2 + sine, H.264 + AAC in FLV. */
function clip(name: string, o: { size: string; profile: string; bf: number; seconds: number; videoRate: string; audioRate?: string }): string {
  const out = join(dir, `${name}.flv`);
  ffmpeg([
    "-f", "lavfi", "-i", `testsrc2=size=${o.size}:rate=30`, "-f", "lavfi", "-i", "sine=frequency=440:sample_rate=48000",
    "-t", String(o.seconds), "-c:v", "libx264", "-preset", "ultrafast", "-profile:v", o.profile, "-bf", String(o.bf), "-g", "60",
    "-b:v", o.videoRate, "-minrate", o.videoRate, "-maxrate", o.videoRate, "-bufsize", o.videoRate, "-x264-params", "nal-hrd=cbr",
    "-c:a", "aac", "-b:a", o.audioRate ?? "128k", "-ar", "48000", "-ac", "2", "-f", "flv", out,
  ]);
  return out;
}

describe.skipIf(!HAS_FFMPEG)("the SPS gives the frame size (cropping included)", () => {
  for (const [size, profile] of [["1920x1080", "high"], ["1280x720", "baseline"], ["640x360", "main"], ["854x480", "high"]] as const) {
    test(`${size} ${profile}`, () => {
      const out = join(dir, `sps-${size}.h264`);
      ffmpeg(["-f", "lavfi", "-i", `testsrc2=size=${size}:rate=30`, "-frames:v", "1", "-c:v", "libx264", "-profile:v", profile, "-f", "h264", out]);
      const b = readFileSync(out);
      const start = b.findIndex((_, i) => b[i] === 0 && b[i + 1] === 0 && b[i + 2] === 1 && (b[i + 3]! & 0x1f) === 7);
      let end = start + 3;
      while (end < b.length - 3 && !(b[end] === 0 && b[end + 1] === 0 && (b[end + 2] === 1 || b[end + 2] === 0))) end++;
      const [w, h] = size.split("x").map(Number);
      expect(spsFrameSize(b.subarray(start + 3, end))).toEqual({ width: w!, height: h! });
    });
  }
});

describe.skipIf(!HAS_FFMPEG)("the emulator's RTMPS listener enforces the rules", () => {
  let server: LocalServer;
  let rt: IVSRealTimeClient;
  let ivs: IvsClient;
  const creds = { accessKeyId: "a", secretAccessKey: "b" };
  const clips: Record<string, string> = {};

  beforeAll(async () => {
    server = await startLocalServer({ port: 0, statePath: ":memory:" });
    rt = new IVSRealTimeClient({ region: "us-east-1", endpoint: server.url, credentials: creds });
    ivs = new IvsClient({ region: "us-east-1", endpoint: server.url, credentials: creds });
    clips.good = clip("good", { size: "640x360", profile: "baseline", bf: 0, seconds: 3, videoRate: "800k" });
    clips.bframes = clip("bframes", { size: "640x360", profile: "main", bf: 2, seconds: 3, videoRate: "800k" });
    clips.hd = clip("hd", { size: "1920x1080", profile: "baseline", bf: 0, seconds: 2, videoRate: "2M" });
    clips.fat = clip("fat", { size: "640x360", profile: "baseline", bf: 0, seconds: 8, videoRate: "12M" });
  }, 120_000);
  afterAll(() => server?.stop());

  /**
   * Sends a clip with -c copy at 4x its own pace (so a drop reaches ffmpeg while it still writes; at
   * full speed it would have handed everything to the kernel already); resolves with ffmpeg's exit code.
   */
  async function publish(file: string, key: string): Promise<number> {
    const proc = Bun.spawn(["ffmpeg", "-hide_banner", "-v", "error", "-readrate", "4", "-i", file, "-c", "copy", "-f", "flv", `rtmps://${server.world.ingestHost}/app/${key}`], { stdout: "ignore", stderr: "ignore" });
    return proc.exited;
  }

  async function stageRun(file: string): Promise<{ code: number; events: { name?: string; errorCode?: string }[]; ingestConfigurationArn?: string; configArn: string }> {
    const stageArn = (await rt.send(new CreateStageCommand({ name: "rules" }))).stage!.arn!;
    const config = (await rt.send(new CreateIngestConfigurationCommand({ stageArn, ingestProtocol: "RTMPS", userId: "encoder" }))).ingestConfiguration!;
    const code = await publish(file, config.streamKey!);
    const sessionId = (await rt.send(new ListStageSessionsCommand({ stageArn }))).stageSessions![0]!.sessionId!;
    const events = (await rt.send(new ListParticipantEventsCommand({ stageArn, sessionId, participantId: config.participantId! }))).events!;
    const p = (await rt.send(new GetParticipantCommand({ stageArn, sessionId, participantId: config.participantId! }))).participant!;
    return { code, events: events.map((e) => ({ name: e.name, errorCode: e.errorCode })), ingestConfigurationArn: p.ingestConfigurationArn, configArn: config.arn! };
  }

  test("a Baseline 360p stream publishes to the stage to its end, as a participant with its ingest configuration", async () => {
    const r = await stageRun(clips.good!);
    expect(r.code).toBe(0);
    expect(r.events).toEqual([{ name: "JOINED" }, { name: "PUBLISH_STARTED" }, { name: "PUBLISH_STOPPED" }, { name: "LEFT" }]);
    expect(r.ingestConfigurationArn).toBe(r.configArn);
  }, 60_000);

  for (const [name, code] of [["bframes", "B_FRAME_PRESENT"], ["hd", "RESOLUTION_EXCEEDED"], ["fat", "BITRATE_EXCEEDED"]] as const) {
    test(`${name}: PUBLISH_ERROR ${code}, then the publisher is disconnected`, async () => {
      const r = await stageRun(clips[name]!);
      expect(r.code).not.toBe(0); // ffmpeg saw the connection drop
      expect(r.events).toEqual([{ name: "JOINED" }, { name: "PUBLISH_STARTED" }, { name: "PUBLISH_ERROR", errorCode: code }, { name: "PUBLISH_STOPPED" }, { name: "LEFT" }]);
    }, 60_000);
  }

  test("channels: a BASIC channel drops a 12 Mbps stream and its session ends; a STANDARD one keeps B-frames at 360p", async () => {
    const basic = (await ivs.send(new CreateChannelCommand({ name: "rules-basic", type: "BASIC" })))!;
    expect(await publish(clips.fat!, basic.streamKey!.value!)).not.toBe(0);
    const sessions = (await ivs.send(new ListStreamSessionsCommand({ channelArn: basic.channel!.arn! }))).streamSessions!;
    expect(sessions).toHaveLength(1);
    const s = (await ivs.send(new GetStreamSessionCommand({ channelArn: basic.channel!.arn!, streamId: sessions[0]!.streamId! }))).streamSession!;
    expect(s.endTime).toBeDefined();
    expect(s.truncatedEvents!.map((e) => e.name)).toEqual(["Session Created", "Session Ended"]);
    const standard = (await ivs.send(new CreateChannelCommand({ name: "rules-standard", type: "STANDARD" })))!;
    expect(await publish(clips.bframes!, standard.streamKey!.value!)).toBe(0);
  }, 60_000);
});
