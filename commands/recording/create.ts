import { globalArgs, mutatingArgs } from "../../src/cli/args.ts";
import { defineLeaf } from "../../src/cli/command.ts";
import { parseTags } from "../../src/aws/tags.ts";
import { parseRenditions, parseThumbnailStorage, THUMBNAIL_RESOLUTIONS } from "../../src/channel/recording-options.ts";
import { tagArg } from "../args.ts";

const secondsOf = (ms: number | undefined) => (ms === undefined ? undefined : ms / 1000);

export default defineLeaf({
  meta: { name: "create", description: "Create a recording configuration for an S3 bucket (--wait until ACTIVE)" },
  args: {
    bucket: { type: "string", description: "S3 bucket (same region as IVS)", valueHint: "name", required: true },
    name: { type: "string", description: "Configuration name", valueHint: "name" },
    renditions: { type: "string", description: "Renditions to record: all, none, or a list", valueHint: "HD,SD|all|none" },
    thumbnails: { type: "string", description: "Thumbnail interval (1s-60s)", valueHint: "10s" },
    "no-thumbnails": { type: "boolean", description: "Record no thumbnails" },
    "thumbnail-storage": { type: "string", description: "Thumbnail storage", valueHint: "SEQUENTIAL,LATEST" },
    "thumbnail-resolution": { type: "string", description: "Thumbnail resolution", valueHint: THUMBNAIL_RESOLUTIONS.join("|") },
    "reconnect-window": { type: "string", description: "Join reconnects within this window into one recording (0s-300s)", valueHint: "60s" },
    wait: { type: "boolean", description: "Wait until the configuration is ACTIVE (CREATE_FAILED: exit 5)" },
    ...tagArg,
    ...mutatingArgs,
    ...globalArgs,
  },
  examples: [
    "ivsctl recording create --bucket my-vods --wait",
    "ivsctl recording create --bucket my-vods --name hd-only --renditions HD --thumbnails 30s --thumbnail-storage SEQUENTIAL,LATEST --reconnect-window 60s",
  ],
  options: (args, env) => ({
    bucket: args.requiredString("bucket"),
    name: args.string("name"),
    renditions: parseRenditions(args.string("renditions")),
    thumbnailIntervalSeconds: secondsOf(args.duration("thumbnails")),
    disableThumbnails: args.flag("no-thumbnails"),
    thumbnailStorage: parseThumbnailStorage(args.string("thumbnail-storage")),
    thumbnailResolution: args.choice("thumbnail-resolution", THUMBNAIL_RESOLUTIONS),
    reconnectWindowSeconds: secondsOf(args.duration("reconnect-window")),
    tags: parseTags(args.list("tag"), env),
    wait: args.flag("wait"),
  }),
  run: () => import("../../src/channel/recording.ts").then((m) => m.createRecording),
});
