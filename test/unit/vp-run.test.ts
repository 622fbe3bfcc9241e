/**
 * The pure parts of `ivsctl vp run` and of the emulator's VP mode: the encoder settings IVS stages
 * require (H.264 Constrained Baseline, no B-frames, IDR every 2 s, <= 720p, Opus 48 kHz) and the
 * checks that run before anything connects.
 */
import { describe, expect, test } from "bun:test";
import { vpModeOf } from "../../src/local/vp-process.ts";
import { assetInputs, assetSource, vpFfmpegArgs } from "../../src/vp/run.ts";
import { CliError } from "../../src/cli/errors.ts";

/** The value after a flag, for the output it belongs to (the first occurrence after `from`). */
function after(args: string[], flag: string, from = 0): string | undefined {
  const i = args.indexOf(flag, from);
  return i < 0 ? undefined : args[i + 1];
}

describe("vpFfmpegArgs", () => {
  const args = vpFfmpegArgs("", 5000, 5002);
  const audioAt = args.indexOf("-c:a");

  test("video: x264 baseline (Constrained Baseline), no B-frames, IDR every 2 s at 30 fps without scene cuts, RTP to the video port", () => {
    expect(after(args, "-c:v")).toBe("libx264");
    expect(after(args, "-profile:v")).toBe("baseline");
    expect(after(args, "-bf")).toBe("0");
    expect(after(args, "-g")).toBe("60");
    expect(after(args, "-keyint_min")).toBe("60");
    expect(after(args, "-sc_threshold")).toBe("0");
    // CBR: bitrate = maxrate = bufsize (a bare -maxrate is ignored by x264 without -bufsize).
    expect(after(args, "-maxrate")).toBe(after(args, "-b:v"));
    expect(after(args, "-bufsize")).toBe(after(args, "-b:v"));
    expect(args.indexOf("rtp://127.0.0.1:5000")).toBeLessThan(audioAt);
    expect(after(args, "-pkt_size")).toBe("1200");
  });

  test("at most 1280x720, even dimensions, 30 fps, yuv420p", () => {
    const vf = after(args, "-vf")!;
    expect(vf).toContain("scale='min(1280,iw)':'min(720,ih)':force_original_aspect_ratio=decrease");
    expect(vf).toContain("trunc(iw/2)*2:trunc(ih/2)*2");
    expect(vf).toContain("fps=30");
    expect(vf).toContain("format=yuv420p");
  });

  test("audio: Opus 48 kHz stereo to the audio port; the tone for the test pattern, the file's own audio otherwise", () => {
    expect(after(args, "-c:a")).toBe("libopus");
    expect(after(args, "-ar")).toBe("48000");
    expect(after(args, "-ac")).toBe("2");
    expect(args.at(-1)).toBe("rtp://127.0.0.1:5002");
    expect(after(args, "-map", args.indexOf("-map") + 1)).toBe("1:a:0");
    expect(args.join(" ")).toContain("sine=frequency=1000:sample_rate=48000");
    const file = vpFfmpegArgs("/dev/null", 5000, 5002);
    expect(after(file, "-map", file.indexOf("-map") + 1)).toBe("0:a:0");
    expect(file.slice(0, file.indexOf("-i") + 2)).toContain("-stream_loop");
  });
});

describe("assetSource: what ASSET_NAME names, checked before anything connects", () => {
  test("empty: the test pattern; paths: files; s3:// URLs; bare names under ASSET_BASE", () => {
    expect(assetSource("", undefined)).toEqual({ kind: "pattern" });
    expect(assetInputs("").join(" ")).toContain("testsrc2=size=640x360:rate=30");
    expect(assetSource("./talk.mp4", undefined)).toEqual({ kind: "file", path: "./talk.mp4" });
    expect(assetSource("/media/talk.mp4", undefined)).toEqual({ kind: "file", path: "/media/talk.mp4" });
    expect(assetSource("s3://my-assets/clips/talk.mp4", undefined)).toEqual({ kind: "s3", bucket: "my-assets", key: "clips/talk.mp4" });
    expect(assetSource("talk.mp4", "s3://my-assets/vp/")).toEqual({ kind: "s3", bucket: "my-assets", key: "vp/talk.mp4" });
    expect(assetSource("talk.mp4", "s3://my-assets/vp")).toEqual({ kind: "s3", bucket: "my-assets", key: "vp/talk.mp4" });
    expect(assetSource("talk.mp4", "s3://my-assets/")).toEqual({ kind: "s3", bucket: "my-assets", key: "talk.mp4" });
  });
  test("a bare name without ASSET_BASE, a bad ASSET_BASE, an s3:// URL without an object: exit 3 with the reason", () => {
    for (const [asset, base, message] of [
      ["talk.mp4", undefined, "set ASSET_BASE=s3://bucket/prefix/"],
      ["talk.mp4", "https://my-assets/", "ASSET_BASE \"https://my-assets/\" is not an s3://bucket/key URL"],
      ["s3://my-assets/clips/", undefined, "asset s3://my-assets/clips/ names no object"],
      ["s3://Bad_Bucket/x.mp4", undefined, "is not an s3://bucket/key URL"],
    ] as const) {
      let err: unknown;
      try {
        assetSource(asset, base);
      } catch (e) {
        err = e;
      }
      expect(err).toBeInstanceOf(CliError);
      expect((err as CliError).exitCode).toBe(3);
      expect((err as CliError).message).toContain(message);
    }
  });
});

describe("vpModeOf (IVSCTL_LOCAL_VP)", () => {
  test("process by default, simulated on request, anything else is an error naming both", () => {
    expect(vpModeOf(undefined)).toBe("process");
    expect(vpModeOf("")).toBe("process");
    expect(vpModeOf("process")).toBe("process");
    expect(vpModeOf("simulated")).toBe("simulated");
    expect(() => vpModeOf("fake")).toThrow('IVSCTL_LOCAL_VP must be "process"');
  });
});
