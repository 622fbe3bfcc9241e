/** Channel options as ivsctl takes them, and the documented rules checked before any call. Pure: no SDK. */
import { checkResourceName, isArnOf } from "../aws/resolve.ts";
import { usageError } from "../cli/errors.ts";

export const CHANNEL_TYPES = ["BASIC", "STANDARD", "ADVANCED_SD", "ADVANCED_HD"] as const;
export const LATENCY_MODES = ["LOW", "NORMAL"] as const;
export const PRESETS = ["HIGHER_BANDWIDTH_DELIVERY", "CONSTRAINED_BANDWIDTH_DELIVERY"] as const;
export const CONTAINER_FORMATS = ["TS", "FRAGMENTED_MP4"] as const;
export const MULTITRACK_POLICIES = ["ALLOW", "REQUIRE"] as const;
export const MULTITRACK_RESOLUTIONS = ["SD", "HD", "FULL_HD"] as const;

export type ChannelType = (typeof CHANNEL_TYPES)[number];

/** Settable channel fields; undefined means "not given" (create: AWS default; update: unchanged). */
export interface ChannelSettings {
  name?: string;
  type?: ChannelType;
  latencyMode?: (typeof LATENCY_MODES)[number];
  authorized?: boolean;
  insecureIngest?: boolean;
  preset?: (typeof PRESETS)[number];
  recordingConfigurationArn?: string;
  playbackRestrictionPolicyArn?: string;
  containerFormat?: (typeof CONTAINER_FORMATS)[number];
  /** Either flag given; checkChannelSettings requires the policy. */
  multitrack?: { policy?: (typeof MULTITRACK_POLICIES)[number]; maximumResolution?: (typeof MULTITRACK_RESOLUTIONS)[number] };
  /** Update only: turn multitrack input off. */
  disableMultitrack?: boolean;
}

export interface CreateChannelOptions extends ChannelSettings {
  tags?: Record<string, string>;
}

export interface UpdateChannelOptions extends ChannelSettings {
  channel: string;
  /** Change it even though a CloudFormation stack manages it (the stack drifts). */
  force?: boolean;
}


/**
 * CreateChannel's cross-field rules (AWS answers ValidationException for each; we say why first).
 * On update, `current` fills what the flags leave out.
 */
export function checkChannelSettings(s: ChannelSettings, current?: { type?: string; containerFormat?: string }): void {
  checkResourceName(s.name);
  const type = s.type ?? current?.type ?? "STANDARD";
  const container = s.containerFormat ?? current?.containerFormat ?? "TS";
  if (s.preset && type !== "ADVANCED_SD" && type !== "ADVANCED_HD") {
    throw usageError(`--preset applies only to ADVANCED_SD and ADVANCED_HD channels, not ${type}`, "add --type ADVANCED_HD (or ADVANCED_SD)");
  }
  if (s.multitrack) {
    if (!s.multitrack.policy) throw usageError("--max-resolution needs --multitrack ALLOW|REQUIRE");
    if (type !== "STANDARD") throw usageError(`--multitrack needs a STANDARD channel, not ${type}`);
    if (container !== "FRAGMENTED_MP4") throw usageError("--multitrack needs --container-format FRAGMENTED_MP4");
  }
  if (s.multitrack && s.disableMultitrack) throw usageError("--multitrack and --no-multitrack contradict each other");
  if (s.recordingConfigurationArn && !isArnOf(s.recordingConfigurationArn, "ivs", "recording-configuration")) {
    throw usageError(`--recording-config must be a recording-configuration ARN (got "${s.recordingConfigurationArn}")`);
  }
  if (s.playbackRestrictionPolicyArn && !isArnOf(s.playbackRestrictionPolicyArn, "ivs", "playback-restriction-policy")) {
    throw usageError(`--playback-restriction-policy must be a playback-restriction-policy ARN (got "${s.playbackRestrictionPolicyArn}")`);
  }
}

/** Our settings -> the fields of CreateChannel/UpdateChannel, named exactly as the API names them. */
export function toChannelRequest(s: ChannelSettings): Record<string, unknown> {
  const req: Record<string, unknown> = {
    name: s.name,
    type: s.type,
    latencyMode: s.latencyMode,
    authorized: s.authorized,
    insecureIngest: s.insecureIngest,
    preset: s.preset,
    recordingConfigurationArn: s.recordingConfigurationArn,
    playbackRestrictionPolicyArn: s.playbackRestrictionPolicyArn,
    containerFormat: s.containerFormat,
  };
  if (s.multitrack) {
    req.multitrackInputConfiguration = { enabled: true, policy: s.multitrack.policy, maximumResolution: s.multitrack.maximumResolution ?? "FULL_HD" };
  } else if (s.disableMultitrack) req.multitrackInputConfiguration = { enabled: false };
  return Object.fromEntries(Object.entries(req).filter(([, v]) => v !== undefined));
}
