import { globalArgs, mutatingArgs } from "../../src/cli/args.ts";
import { defineLeaf } from "../../src/cli/command.ts";
import { parseTags } from "../../src/aws/tags.ts";
import { channelSettingArgs, channelSettingsFrom } from "./settings.ts";
import { tagArg } from "../args.ts";

export default defineLeaf({
  meta: { name: "create", description: "Create a channel; prints its ingest URL, playback URL and (redacted) stream key" },
  args: {
    ...channelSettingArgs,
    ...tagArg,
    ...mutatingArgs,
    ...globalArgs,
  },
  examples: [
    "ivsctl channel create --name demo",
    "ivsctl channel create --name private --authorized --type ADVANCED_HD --preset CONSTRAINED_BANDWIDTH_DELIVERY",
    "ivsctl channel create --name multi --multitrack ALLOW --max-resolution HD --container-format FRAGMENTED_MP4",
  ],
  options: (args, env) => ({ ...channelSettingsFrom(args), tags: parseTags(args.list("tag"), env) }),
  run: () => import("../../src/channel/channels.ts").then((m) => m.createChannel),
});
