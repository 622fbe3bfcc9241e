/** Amazon IVS (low-latency) in the emulator: channels, their stream keys, and tags. */
import { parseArn } from "../contract/arn.ts";
import { conflict, notFound, validation } from "./errors.ts";
import { arnFor, paginate, randomId } from "./ids.ts";
import type { EmulatedService, RequestContext } from "./service.ts";
import type { Store } from "./store.ts";

export const KIND = {
  channel: "ivs:channel",
  streamKey: "ivs:stream-key",
  stream: "ivs:stream",
  recordingConfiguration: "ivs:recording-configuration",
  playbackRestrictionPolicy: "ivs:playback-restriction-policy",
  playbackKeyPair: "ivs:playback-key",
} as const;

/** ARN resource type -> store kind, for tag operations on any IVS resource. */
const KIND_BY_RESOURCE_TYPE: Record<string, string> = {
  channel: KIND.channel,
  "stream-key": KIND.streamKey,
  "recording-configuration": KIND.recordingConfiguration,
  "playback-restriction-policy": KIND.playbackRestrictionPolicy,
  "playback-key": KIND.playbackKeyPair,
};

export interface ChannelDoc {
  arn: string;
  name: string;
  latencyMode: "LOW" | "NORMAL";
  type: "BASIC" | "STANDARD" | "ADVANCED_SD" | "ADVANCED_HD";
  recordingConfigurationArn: string;
  ingestEndpoint: string;
  playbackUrl: string;
  authorized: boolean;
  tags: Record<string, string>;
  insecureIngest: boolean;
  preset: string;
  srt: { endpoint: string; passphrase: string };
  playbackRestrictionPolicyArn: string;
  multitrackInputConfiguration: { enabled: boolean; policy?: string; maximumResolution?: string };
  containerFormat: "TS" | "FRAGMENTED_MP4";
}

export interface StreamKeyDoc {
  arn: string;
  value: string;
  channelArn: string;
  tags: Record<string, string>;
}

const ADVANCED = new Set(["ADVANCED_SD", "ADVANCED_HD"]);

/** The documented cross-field rules of CreateChannel / UpdateChannel. */
function checkChannelRules(c: Pick<ChannelDoc, "type" | "preset" | "containerFormat" | "multitrackInputConfiguration">, presetGiven: boolean): void {
  if (presetGiven && c.preset && !ADVANCED.has(c.type)) {
    throw validation(`preset is selectable only for ADVANCED_SD and ADVANCED_HD channels, not ${c.type}`);
  }
  if (c.multitrackInputConfiguration.enabled) {
    if (c.type !== "STANDARD") throw validation(`multitrack input is supported only on STANDARD channels, not ${c.type}`);
    if (c.containerFormat !== "FRAGMENTED_MP4") throw validation("multitrack input requires containerFormat FRAGMENTED_MP4");
  }
}

function requireReferenced(store: Store, kind: string, arn: string | undefined, what: string): void {
  if (arn && !store.get(kind, arn)) throw notFound(`${what} not found: ${arn}`);
}

export function getChannel(ctx: RequestContext, arn: string): ChannelDoc {
  const ch = ctx.store.get<ChannelDoc>(KIND.channel, arn);
  if (!ch) throw notFound(`Channel not found: ${arn}`);
  return ch;
}

export function isLive(store: Store, channelArn: string): boolean {
  return store.get<{ state: string }>(KIND.stream, channelArn)?.state === "LIVE";
}

/**
 * A stream key as IVS mints it: `sk_<region>_<key id>_<30-character secret>`, the key id being the
 * stream-key ARN's id (AWS CLI examples, ivs/get-stream-key.rst: "sk_us-west-2_abcdABCDefgh_567890abcdef").
 */
export function mintStreamKey(region: string, channelArn: string, tags: Record<string, string> = {}): StreamKeyDoc {
  const id = randomId();
  return { arn: arnFor("ivs", region, "stream-key", id), value: `sk_${region}_${id}_${randomId(30)}`, channelArn, tags };
}

export function newStreamKey(ctx: RequestContext, channelArn: string, tags: Record<string, string> = {}): StreamKeyDoc {
  const key = mintStreamKey(ctx.region, channelArn, tags);
  return ctx.store.put(KIND.streamKey, key.arn, key);
}

function summary(c: ChannelDoc) {
  const { arn, name, latencyMode, authorized, recordingConfigurationArn, tags, insecureIngest, type, preset, playbackRestrictionPolicyArn } = c;
  return { arn, name, latencyMode, authorized, recordingConfigurationArn, tags, insecureIngest, type, preset, playbackRestrictionPolicyArn };
}

function createChannel(input: any, ctx: RequestContext) {
  const id = randomId();
  const type = input.type ?? "STANDARD";
  const multitrack = input.multitrackInputConfiguration ?? { enabled: false };
  const channel: ChannelDoc = {
    arn: arnFor("ivs", ctx.region, "channel", id),
    name: input.name ?? "",
    latencyMode: input.latencyMode ?? "LOW",
    type,
    recordingConfigurationArn: input.recordingConfigurationArn ?? "",
    ingestEndpoint: ctx.world.ingestHost,
    playbackUrl: `http://${ctx.world.httpHost}/api/video/v1/${ctx.region}.${ctx.account}.channel.${id}.m3u8`,
    authorized: input.authorized ?? false,
    tags: input.tags ?? {},
    insecureIngest: input.insecureIngest ?? false,
    preset: input.preset ?? (ADVANCED.has(type) ? "HIGHER_BANDWIDTH_DELIVERY" : ""),
    srt: { endpoint: ctx.world.ingestHost.replace(/:\d+$/, ""), passphrase: randomId(32) },
    playbackRestrictionPolicyArn: input.playbackRestrictionPolicyArn ?? "",
    multitrackInputConfiguration: multitrack.enabled
      ? { enabled: true, policy: multitrack.policy ?? "ALLOW", maximumResolution: multitrack.maximumResolution ?? "FULL_HD" }
      : { enabled: false },
    containerFormat: input.containerFormat ?? "TS",
  };
  checkChannelRules(channel, input.preset !== undefined);
  requireReferenced(ctx.store, KIND.recordingConfiguration, input.recordingConfigurationArn, "Recording configuration");
  requireReferenced(ctx.store, KIND.playbackRestrictionPolicy, input.playbackRestrictionPolicyArn, "Playback restriction policy");
  ctx.store.put(KIND.channel, channel.arn, channel);
  const streamKey = newStreamKey(ctx, channel.arn, channel.tags);
  return { channel, streamKey };
}

function updateChannel(input: any, ctx: RequestContext) {
  const current = getChannel(ctx, input.arn);
  if (isLive(ctx.store, current.arn)) throw conflict("Channel is live and cannot be updated; stop the stream first");
  const next: ChannelDoc = { ...current };
  for (const field of ["name", "latencyMode", "type", "authorized", "recordingConfigurationArn", "insecureIngest", "playbackRestrictionPolicyArn", "containerFormat"] as const) {
    if (input[field] !== undefined) (next as any)[field] = input[field];
  }
  if (input.preset !== undefined) next.preset = input.preset;
  else if (input.type !== undefined) next.preset = ADVANCED.has(next.type) ? current.preset || "HIGHER_BANDWIDTH_DELIVERY" : "";
  if (input.multitrackInputConfiguration !== undefined) {
    const m = input.multitrackInputConfiguration;
    next.multitrackInputConfiguration = m.enabled ? { enabled: true, policy: m.policy ?? "ALLOW", maximumResolution: m.maximumResolution ?? "FULL_HD" } : { enabled: false };
  }
  checkChannelRules(next, input.preset !== undefined && input.preset !== "");
  requireReferenced(ctx.store, KIND.recordingConfiguration, input.recordingConfigurationArn, "Recording configuration");
  requireReferenced(ctx.store, KIND.playbackRestrictionPolicy, input.playbackRestrictionPolicyArn, "Playback restriction policy");
  ctx.store.put(KIND.channel, next.arn, next);
  return { channel: next };
}

function deleteChannel(input: any, ctx: RequestContext) {
  const ch = getChannel(ctx, input.arn);
  if (isLive(ctx.store, ch.arn)) throw conflict("Channel is live and cannot be deleted; stop the stream first");
  for (const key of ctx.store.list<StreamKeyDoc>(KIND.streamKey)) {
    if (key.channelArn === ch.arn) ctx.store.delete(KIND.streamKey, key.arn);
  }
  ctx.store.delete(KIND.stream, ch.arn);
  ctx.store.delete(KIND.channel, ch.arn);
  return {};
}

function listChannels(input: any, ctx: RequestContext) {
  if (input.filterByName && input.filterByRecordingConfigurationArn) {
    throw validation("filterByName and filterByRecordingConfigurationArn cannot be used together");
  }
  let channels = ctx.store.list<ChannelDoc>(KIND.channel);
  if (input.filterByName) channels = channels.filter((c) => c.name.includes(input.filterByName));
  if (input.filterByRecordingConfigurationArn) channels = channels.filter((c) => c.recordingConfigurationArn === input.filterByRecordingConfigurationArn);
  if (input.filterByPlaybackRestrictionPolicyArn) channels = channels.filter((c) => c.playbackRestrictionPolicyArn === input.filterByPlaybackRestrictionPolicyArn);
  const { page, nextToken } = paginate(channels, input.nextToken, input.maxResults);
  return { channels: page.map(summary), nextToken };
}

function batchGetChannel(input: any, ctx: RequestContext) {
  const channels: ChannelDoc[] = [];
  const errors: { arn: string; code: string; message: string }[] = [];
  for (const arn of input.arns as string[]) {
    const ch = ctx.store.get<ChannelDoc>(KIND.channel, arn);
    if (ch) channels.push(ch);
    else errors.push({ arn, code: "ResourceNotFoundException", message: `Channel not found: ${arn}` });
  }
  return { channels, errors };
}

function taggable(ctx: RequestContext, arn: string): { kind: string; doc: { tags?: Record<string, string> } } {
  const kind = KIND_BY_RESOURCE_TYPE[parseArn(arn)?.resourceType ?? ""];
  const doc = kind ? ctx.store.get<{ tags?: Record<string, string> }>(kind, arn) : undefined;
  if (!kind || !doc) throw notFound(`Resource not found: ${arn}`);
  return { kind, doc };
}

/** Tag operations shared by both IVS APIs; each passes its own resolver of ARN -> stored document. */
export function tagOperations(find: (ctx: RequestContext, arn: string) => { kind: string; doc: { tags?: Record<string, string> } }) {
  return {
    ListTagsForResource: (input: any, ctx: RequestContext) => ({ tags: find(ctx, input.resourceArn).doc.tags ?? {} }),
    TagResource: (input: any, ctx: RequestContext) => {
      const { kind, doc } = find(ctx, input.resourceArn);
      const tags = { ...(doc.tags ?? {}), ...(input.tags ?? {}) };
      if (Object.keys(tags).length > 50) throw validation("A resource can have at most 50 tags");
      ctx.store.put(kind, input.resourceArn, { ...doc, tags });
      return {};
    },
    UntagResource: (input: any, ctx: RequestContext) => {
      const { kind, doc } = find(ctx, input.resourceArn);
      const keys = new Set<string>([input.tagKeys ?? []].flat());
      const tags = Object.fromEntries(Object.entries(doc.tags ?? {}).filter(([k]) => !keys.has(k)));
      ctx.store.put(kind, input.resourceArn, { ...doc, tags });
      return {};
    },
  };
}

export const ivsService: EmulatedService = {
  name: "ivs",
  protocol: "rest-json",
  operations: {
    CreateChannel: createChannel,
    GetChannel: (input, ctx) => ({ channel: getChannel(ctx, input.arn) }),
    BatchGetChannel: batchGetChannel,
    ListChannels: listChannels,
    UpdateChannel: updateChannel,
    // GetStream, ListStreams, StopStream and stream sessions: src/local/ivs-streams.ts
    DeleteChannel: deleteChannel,
    ...tagOperations(taggable),
  },
};
