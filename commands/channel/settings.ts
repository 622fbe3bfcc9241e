import type { FlagDefs, ParsedArgs } from "../../src/cli/args.ts";
import {
  CHANNEL_TYPES,
  CONTAINER_FORMATS,
  LATENCY_MODES,
  MULTITRACK_POLICIES,
  MULTITRACK_RESOLUTIONS,
  PRESETS,
  type ChannelSettings,
} from "../../src/channel/options.ts";

/** Flags shared by `channel create` and `channel update`: every CreateChannel option. */
export const channelSettingArgs = {
  name: { type: "string", description: "Channel name", valueHint: "name" },
  type: { type: "string", description: "Channel type", valueHint: CHANNEL_TYPES.join("|") },
  latency: { type: "string", description: "Latency mode", valueHint: LATENCY_MODES.join("|") },
  authorized: { type: "boolean", description: "Private channel: playback needs a signed token" },
  "insecure-ingest": { type: "boolean", description: "Also accept plain RTMP ingest" },
  preset: { type: "string", description: "Transcode preset (ADVANCED_* types only)", valueHint: PRESETS.join("|") },
  "recording-config": { type: "string", description: "Recording configuration ARN", valueHint: "arn" },
  "playback-restriction-policy": { type: "string", description: "Playback restriction policy ARN", valueHint: "arn" },
  "container-format": { type: "string", description: "Container format", valueHint: CONTAINER_FORMATS.join("|") },
  multitrack: { type: "string", description: "Enable multitrack input (STANDARD + FRAGMENTED_MP4)", valueHint: MULTITRACK_POLICIES.join("|") },
  "max-resolution": { type: "string", description: "Multitrack maximum resolution", valueHint: MULTITRACK_RESOLUTIONS.join("|") },
} as const satisfies FlagDefs;

export function channelSettingsFrom(args: ParsedArgs): ChannelSettings {
  const policy = args.choice("multitrack", MULTITRACK_POLICIES);
  const maximumResolution = args.choice("max-resolution", MULTITRACK_RESOLUTIONS);
  return {
    name: args.string("name"),
    type: args.choice("type", CHANNEL_TYPES),
    latencyMode: args.choice("latency", LATENCY_MODES),
    authorized: args.bool("authorized"),
    insecureIngest: args.bool("insecure-ingest"),
    preset: args.choice("preset", PRESETS),
    recordingConfigurationArn: args.string("recording-config"),
    playbackRestrictionPolicyArn: args.string("playback-restriction-policy"),
    containerFormat: args.choice("container-format", CONTAINER_FORMATS),
    multitrack: policy || maximumResolution ? { policy, maximumResolution } : undefined,
  };
}
