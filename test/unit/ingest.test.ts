/**
 * Ingest: option parsing and limits, the ffmpeg plan, ffmpeg output parsing, the RTMP building
 * blocks (AMF0, FLV tag parsing, the in-process certificate), and stage ingest in-process against
 * a real `ivsctl local` server with real ffmpeg (temporary ingest configuration made and removed).
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { X509Certificate } from "node:crypto";
import { createContext, type GlobalOptions } from "../../src/cli/context.ts";
import { bufferIO } from "../../src/cli/io.ts";
import { parseStatsLine } from "../../src/ingest/ffmpeg.ts";
import { meaningfulError, runIngest } from "../../src/ingest/ingest.ts";
import { channelLimitBps, checkAbsoluteLimits, checkChannelLimits, defaultBitrate, parseBitrate, parseFps, parseResolution, type IngestOptions } from "../../src/ingest/options.ts";
import { buildPlan } from "../../src/ingest/plan.ts";
import { INGEST_CONFIG_KIND, STAGE_KIND, type IngestConfigurationDoc } from "../../src/local/ivs-realtime-ingest.ts";
import { decodeAmf0, encodeAmf0All } from "../../src/local/rtmp/amf0.ts";
import { derInteger, selfSignedCertificate } from "../../src/local/rtmp/cert.ts";
import { hasCompositionOffset, parseAudioTag, parseVideoTag } from "../../src/local/rtmp/media.ts";
import { notFound } from "../../src/local/errors.ts";
import { startLocalServer, type LocalServer } from "../../src/local/server.ts";
import { skipReason, which } from "../helpers/tools.ts";
import { expectUsageErrorAsync } from "../helpers/assert.ts";

const usage = async (fn: () => unknown): Promise<string> => (await expectUsageErrorAsync(fn)).message;

describe("options", () => {
  test("resolutions: names, WxH, and the 1080p limit named", async () => {
    expect(parseResolution("720p")).toEqual({ width: 1280, height: 720 });
    expect(parseResolution("1920x1080")).toEqual({ width: 1920, height: 1080 });
    expect(await usage(() => parseResolution("4k"))).toBe("--resolution 4k is above the IVS limit of 1080p (1920x1080)");
    expect(await usage(() => parseResolution("2560x1440"))).toContain("above the IVS limit of 1080p");
    expect(await usage(() => parseResolution("1281x720"))).toContain("must be even");
    expect(await usage(() => parseResolution("big"))).toContain("WIDTHxHEIGHT");
  });

  test("fps 1-60", async () => {
    expect(parseFps("30")).toBe(30);
    expect(parseFps("29.97")).toBe(29.97);
    for (const bad of ["0", "61", "-1", "x"]) expect(await usage(() => parseFps(bad))).toStartWith("--fps must be between 1 and 60");
  });

  test("bitrates need units; 20M is over every IVS limit", async () => {
    expect(parseBitrate("3.5M")).toBe(3_500_000);
    expect(parseBitrate("2500k")).toBe(2_500_000);
    expect(parseBitrate("6000000")).toBe(6_000_000);
    expect(await usage(() => parseBitrate("3000"))).toBe("--bitrate 3000 means 3000 bit/s");
    const res = { width: 1280, height: 720 };
    expect(await usage(() => checkAbsoluteLimits({ bitrateBps: 20_000_000, audioBitrateBps: 128_000, fps: 30, resolution: res }))).toBe(
      "--bitrate 20 Mbps is above the IVS limit of 8.5 Mbps (BASIC channels: 3.5 Mbps)",
    );
  });

  test("channel type limits: BASIC 1.5 Mbps up to 480p, 3.5 above; others 8.5", async () => {
    expect(channelLimitBps("BASIC", { width: 854, height: 480 })).toBe(1_500_000);
    expect(channelLimitBps("BASIC", { width: 1280, height: 720 })).toBe(3_500_000);
    expect(channelLimitBps("STANDARD", { width: 1920, height: 1080 })).toBe(8_500_000);
    expect(await usage(() => checkChannelLimits("BASIC", { bitrateBps: 2_000_000, resolution: { width: 854, height: 480 } }))).toBe(
      "--bitrate 2 Mbps is above the BASIC channel limit of 1.5 Mbps at 480p",
    );
    expect(defaultBitrate({ width: 1920, height: 1080 }, 3_500_000)).toBe(3_500_000);
    expect(defaultBitrate({ width: 1280, height: 720 }, 8_500_000, true)).toBe(2_500_000);
  });

  test("stage limits: 720p, 10 fps, AAC 160k", async () => {
    const base = { stage: "s", bitrateBps: undefined, audioBitrateBps: 128_000, fps: 30, resolution: { width: 1280, height: 720 } };
    checkAbsoluteLimits(base);
    expect(await usage(() => checkAbsoluteLimits({ ...base, resolution: { width: 1920, height: 1080 } }))).toContain("above the stage limit of 720p");
    expect(await usage(() => checkAbsoluteLimits({ ...base, fps: 5 }))).toContain("below the stage minimum of 10 fps");
    expect(await usage(() => checkAbsoluteLimits({ ...base, audioBitrateBps: 192_000 }))).toContain("above the stage limit of 160k");
  });
});

describe("ffmpeg plan", () => {
  const opts = { url: "rtmps://h:443/app/sk_us-east-1_x", resolution: { width: 1280, height: 720 }, fps: 30, bitrateBps: 3_500_000, audioBitrateBps: 128_000, loop: false };
  const after = (args: string[], flag: string) => args[args.indexOf(flag) + 1];

  test("channel: H.264 Main + AAC-LC, IDR every 2 s, no scene-cut, CBR b:v = maxrate = bufsize", () => {
    const out = buildPlan({ ...opts, stage: false }).outputOptions;
    expect([after(out, "-c:v"), after(out, "-profile:v"), after(out, "-c:a"), after(out, "-profile:a")]).toEqual(["libx264", "main", "aac", "aac_low"]);
    expect([after(out, "-g"), after(out, "-keyint_min"), after(out, "-sc_threshold")]).toEqual(["60", "60", "0"]);
    expect([after(out, "-b:v"), after(out, "-maxrate"), after(out, "-bufsize")]).toEqual(["3500k", "3500k", "3500k"]);
    expect(after(out, "-x264-params")).toContain("nal-hrd=cbr");
    expect(after(out, "-f")).toBe("flv");
  });

  test("stage: Baseline, no B-frames", () => {
    const out = buildPlan({ ...opts, stage: true }).outputOptions;
    expect([after(out, "-profile:v"), after(out, "-bf")]).toEqual(["baseline", "0"]);
  });

  test("file source: looped, scaled and padded to the resolution", () => {
    const plan = buildPlan({ ...opts, stage: false, file: "/tmp/a.mp4", loop: true, durationMs: 30_000 });
    expect(plan.inputs).toEqual([{ source: "/tmp/a.mp4", options: ["-re", "-stream_loop", "-1"] }]);
    expect(after(plan.outputOptions, "-vf")).toStartWith("scale=1280:720:force_original_aspect_ratio=decrease,pad=1280:720");
    expect(after(plan.outputOptions, "-t")).toBe("30");
  });

  test("synthetic source: test pattern, tone, burned-in clock and frame counter", () => {
    const plan = buildPlan({ ...opts, stage: false, fontFile: "/f.ttf" });
    expect(plan.inputs.map((i) => i.source)).toEqual(["testsrc2=size=1280x720:rate=30", "sine=frequency=1000:sample_rate=48000"]);
    expect(after(plan.outputOptions, "-vf")).toContain("%{localtime\\:%X}  frame %{frame_num}");
  });
});

describe("ffmpeg output", () => {
  test("stats lines", () => {
    expect(parseStatsLine("frame=  150 fps= 30 q=23.0 size=    1536kB time=00:00:05.00 bitrate=2516.6kbits/s dup=0 drop=2 speed=1.01x")).toEqual({
      frame: 150, fps: 30, time: 5, bitrateKbps: 2516.6, dup: 0, drop: 2, speed: 1.01,
    });
    expect(parseStatsLine("[rtmps @ 0x1] Server error: x")).toBeUndefined();
  });

  test("the meaningful error line", () => {
    expect(meaningfulError(["[libx264 @ 0x1] using cpu capabilities", "[rtmps @ 0x2] [error] Server error: invalid stream key", "rtmps://h/app/k: Operation not permitted"])).toBe(
      "Server error: invalid stream key",
    );
    expect(meaningfulError(["[tcp @ 0x1] Connection to tcp://127.0.0.1:9 failed: Connection refused", "rtmps://127.0.0.1:9/app/x: Connection refused"])).toBe(
      "rtmps://127.0.0.1:9/app/x: Connection refused",
    );
  });
});

describe("RTMP building blocks", () => {
  test("AMF0 round trip of a connect command", () => {
    const values = ["connect", 1, { app: "app", tcUrl: "rtmps://h/app", fpad: false, audioCodecs: 4071, nested: { a: null } }, null, undefined, [1, "two"]];
    expect(decodeAmf0(encodeAmf0All(values as never))).toEqual(values as never);
  });

  test("FLV tags: AVC sequence header, AAC config, composition offsets", () => {
    expect(parseVideoTag(Buffer.from([0x17, 0, 0, 0, 0, 1, 0x42, 0xc0, 0x1f]))).toEqual({ codec: "avc1.42C01F", avcProfile: 66, avcLevel: 31 });
    expect(parseAudioTag(Buffer.from([0xaf, 0, 0x11, 0x90]))).toEqual({ codec: "mp4a.40.2", sampleRate: 48000, channels: 2 });
    expect(parseAudioTag(Buffer.from([0x2f, 1]))).toEqual({ codec: "mp3" });
    expect(hasCompositionOffset(Buffer.from([0x27, 1, 0, 0, 0x21]))).toBe(true);
    expect(hasCompositionOffset(Buffer.from([0x27, 1, 0, 0, 0]))).toBe(false);
  });

  test("DER integers are minimal (a random serial starting 0x00 once made BoringSSL reject 1 cert in ~600)", () => {
    expect([...derInteger(Buffer.from([0x00, 0x12, 0x34]))]).toEqual([0x02, 0x02, 0x12, 0x34]);
    expect([...derInteger(Buffer.from([0x00, 0x00, 0x92]))]).toEqual([0x02, 0x02, 0x00, 0x92]);
    expect([...derInteger(Buffer.from([0x92]))]).toEqual([0x02, 0x02, 0x00, 0x92]);
    expect([...derInteger(Buffer.from([0x00]))]).toEqual([0x02, 0x01, 0x00]);
  });

  test("the in-process certificate is a valid self-signed X.509 for loopback", () => {
    const { cert } = selfSignedCertificate(["localhost", "127.0.0.1"]);
    const x = new X509Certificate(cert);
    expect(x.verify(x.publicKey)).toBe(true);
    expect(x.subjectAltName).toBe("DNS:localhost, IP Address:127.0.0.1");
    expect(new Date(x.validTo).getTime()).toBeGreaterThan(Date.now() + 29 * 86_400_000);
  });
});

const HAS_FFMPEG = Boolean(which("ffmpeg"));
if (!HAS_FFMPEG) skipReason("stage ingest in-process", "ffmpeg");

describe.skipIf(!HAS_FFMPEG)("stage ingest through an RTMPS ingest configuration (in-process)", () => {
  let server: LocalServer;
  const stageArn = "arn:aws:ivs:us-east-1:123456789012:stage/StageIngest1";
  beforeAll(async () => {
    // GetStage comes from the stages emulator; this minimal stand-in reads the same store documents.
    server = await startLocalServer({
      port: 0,
      statePath: ":memory:",
      services: [{ name: "ivs-realtime", protocol: "rest-json", operations: {
        GetStage: (input, ctx) => {
          const stage = ctx.store.get(STAGE_KIND, input.arn);
          if (!stage) throw notFound(`Stage not found: ${input.arn}`);
          return { stage };
        },
      } }],
    });
    server.store.put(STAGE_KIND, stageArn, {
      arn: stageArn,
      name: "ingest-stage",
      tags: {},
      endpoints: { events: "", whip: "", rtmp: `rtmp://${server.world.ingestHost}/app/`, rtmps: `rtmps://${server.world.ingestHost}/app/` },
    });
  });
  afterAll(() => server?.stop());

  const globals = (): GlobalOptions => ({ output: "json", local: true, yes: false, dryRun: false, quiet: false, color: false, debug: false, showSecrets: false });
  const options = (over: Partial<IngestOptions>): IngestOptions => ({
    keep: false, loop: false, resolution: { width: 640, height: 360 }, resolutionGiven: true, fps: 30, audioBitrateBps: 128_000, waitLive: true, dryRun: false, stage: stageArn, durationMs: 3_000, ...over,
  });

  test("a temporary configuration is created, goes ACTIVE while publishing, and is deleted afterwards", async () => {
    const io = bufferIO();
    const ctx = createContext(io, { IVSCTL_LOCAL_ENDPOINT: server.url, PATH: process.env.PATH }, globals());
    await runIngest(ctx, options({}));
    // -o json is JSON Lines: {"event":"live"} then {"event":"summary"} (issue 12).
    const events = io.out().trim().split("\n").map((l) => JSON.parse(l));
    expect(events.map((e) => e.event)).toEqual(["live", "summary"]);
    const out = events[1];
    expect(out.target).toBe(stageArn);
    expect(out.ingestConfigurationArn).toMatch(/:ingest-configuration\/[A-Za-z0-9]{12}$/);
    expect(out.ingestConfigurationKept).toBe(false);
    expect(typeof out.liveAfterMs).toBe("number"); // GetIngestConfiguration said ACTIVE
    expect(out.frames).toBeGreaterThan(60);
    expect(io.err()).toContain("publishing to the stage after");
    expect(io.err()).toContain(`deleted temporary ingest configuration ${out.ingestConfigurationArn}`);
    expect(server.store.list(INGEST_CONFIG_KIND)).toEqual([]);
  }, 20_000);

  test("--keep keeps it (INACTIVE after the publisher leaves); --ingest-config reuses it", async () => {
    const io = bufferIO();
    const ctx = createContext(io, { IVSCTL_LOCAL_ENDPOINT: server.url, PATH: process.env.PATH }, globals());
    await runIngest(ctx, options({ keep: true, durationMs: 2_000 }));
    const arn = JSON.parse(io.out().trim().split("\n").at(-1)!).ingestConfigurationArn;
    const kept = server.store.get<IngestConfigurationDoc>(INGEST_CONFIG_KIND, arn)!;
    expect([kept.stageArn, kept.ingestProtocol, kept.state]).toEqual([stageArn, "RTMPS", "INACTIVE"]);
    const io2 = bufferIO();
    await runIngest(createContext(io2, { IVSCTL_LOCAL_ENDPOINT: server.url, PATH: process.env.PATH }, globals()), options({ ingestConfig: arn, durationMs: 2_000 }));
    expect(JSON.parse(io2.out().trim().split("\n").at(-1)!).ingestConfigurationArn).toBe(arn);
    expect(server.store.get(INGEST_CONFIG_KIND, arn)).toBeDefined(); // given, not temporary: never deleted
  }, 20_000);
});
