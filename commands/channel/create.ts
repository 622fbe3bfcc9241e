import { globalArgs, mutatingArgs } from "../../src/cli/args.ts";
import { defineLeaf } from "../../src/cli/command.ts";
import { parseTags } from "../../src/aws/tags.ts";
import { channelSettingArgs, channelSettingsFrom } from "./settings.ts";

export default defineLeaf({
  meta: { name: "create", description: "Create a channel; prints its ingest URL, playback URL and (redacted) stream key" },
  args: {
    ...channelSettingArgs,
    tag: { type: "string", description: "Tag as key=value", valueHint: "k=v", repeatable: true },
    ...mutatingArgs,
    ...globalArgs,
  },
  examples: [
    "ivsctl channel create --name demo",
    "ivsctl channel create --name private --authorized --type ADVANCED_HD --preset CONSTRAINED_BANDWIDTH_DELIVERY",
    "ivsctl channel create --name multi --multitrack ALLOW --max-resolution HD --container-format FRAGMENTED_MP4",
  ],
  async handler(ctx, args) {
    const opts = { ...channelSettingsFrom(args), tags: parseTags(args.list("tag"), ctx.env), dryRun: ctx.globals.dryRun };
    const { createChannel } = await import("../../src/channel/channels.ts");
    await createChannel(ctx, opts);
  },
});
