import { globalArgs, mutatingArgs } from "../../src/cli/args.ts";
import { defineLeaf } from "../../src/cli/command.ts";
import { channelSettingArgs, channelSettingsFrom } from "./settings.ts";
import { channelArg, forceStackArg } from "../args.ts";

export default defineLeaf({
  meta: { name: "update", description: "Change a channel's settings (refused by IVS while it is live)" },
  args: {
    ...channelArg,
    ...channelSettingArgs,
    "no-multitrack": { type: "boolean", description: "Turn multitrack input off" },
    ...forceStackArg,
    ...mutatingArgs,
    ...globalArgs,
  },
  examples: ["ivsctl channel update demo --latency NORMAL", "ivsctl channel update demo --type ADVANCED_SD --preset HIGHER_BANDWIDTH_DELIVERY"],
  options: (args) => ({
    channel: args.requiredPositional("channel"),
    ...channelSettingsFrom(args),
    disableMultitrack: args.flag("no-multitrack"),
    force: args.flag("force"),
  }),
  run: () => import("../../src/channel/channels.ts").then((m) => m.updateChannel),
});
