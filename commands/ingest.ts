import { globalArgs, mutatingArgs } from "../src/cli/args.ts";
import { defineLeaf } from "../src/cli/command.ts";
import { parseBitrate, parseFps, parseResolution, type IngestOptions } from "../src/ingest/options.ts";

export default defineLeaf({
  meta: { name: "ingest", description: "Send a test stream (ffmpeg, RTMPS) into a channel, a stage, or any RTMP(S) server" },
  args: {
    channel: { type: "positional", description: "Channel ARN, id or name", required: false },
    stage: { type: "string", description: "Publish into this real-time stage (ARN, id or name) through an RTMPS ingest configuration", valueHint: "stage" },
    "ingest-config": { type: "string", description: "With --stage: use this ingest configuration instead of a temporary one", valueHint: "arn" },
    keep: { type: "boolean", description: "With --stage: keep the temporary ingest configuration afterwards" },
    url: { type: "string", description: "Any RTMP(S) server, e.g. rtmps://host/app (the key is appended from --stream-key-file)", valueHint: "rtmps://…" },
    "stream-key-file": { type: "string", description: "Read the stream key from this file, or - for stdin (env IVSCTL_STREAM_KEY)", valueHint: "file" },
    file: { type: "string", description: "Stream this media file instead of the test pattern", valueHint: "path" },
    loop: { type: "boolean", description: "With --file: loop it" },
    resolution: { type: "string", description: "WIDTHxHEIGHT or 1080p/720p/480p/360p/240p/160p (default 720p)", valueHint: "720p" },
    fps: { type: "string", description: "Frames per second, 1-60 (default 30; stages: 10-60)", valueHint: "30" },
    bitrate: { type: "string", description: "Video bitrate, CBR (default by resolution; BASIC ≤ 3.5M, others ≤ 8.5M)", valueHint: "3500k" },
    "audio-bitrate": { type: "string", description: "AAC-LC bitrate (default 128k; stages ≤ 160k)", valueHint: "128k" },
    duration: { type: "string", description: "Stop after this long (default: until Ctrl-C)", valueHint: "30s" },
    "wait-live": { type: "boolean", description: "Report when GetStream says LIVE (or the stage ingest is active), and how long it took" },
    ...mutatingArgs,
    ...globalArgs,
  },
  examples: [
    "ivsctl ingest demo --duration 30s --wait-live",
    "ivsctl ingest demo --file talk.mp4 --loop --resolution 1080p --bitrate 6M",
    "ivsctl ingest --stage my-stage --duration 1m",
    "ivsctl ingest --url rtmps://live.example.com/app --stream-key-file key.txt",
    "ivsctl ingest demo --dry-run",
  ],
  options: (args): IngestOptions => {
    const resolutionText = args.string("resolution");
    return {
      channel: args.positional("channel"),
      stage: args.string("stage"),
      ingestConfig: args.string("ingest-config"),
      keep: args.flag("keep"),
      url: args.string("url"),
      streamKeyFile: args.string("stream-key-file"),
      file: args.string("file"),
      loop: args.flag("loop"),
      resolution: parseResolution(resolutionText ?? "720p"),
      resolutionGiven: resolutionText !== undefined,
      fps: parseFps(args.string("fps") ?? "30"),
      bitrateBps: args.has("bitrate") ? parseBitrate(args.string("bitrate")!) : undefined,
      audioBitrateBps: parseBitrate(args.string("audio-bitrate") ?? "128k", "--audio-bitrate"),
      durationMs: args.duration("duration"),
      waitLive: args.flag("wait-live"),
    };
  },
  run: () => import("../src/ingest/ingest.ts").then((m) => m.runIngest),
});
