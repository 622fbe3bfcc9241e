/** Channel operations. Each takes the injected context; the IVS SDK loads only with this module. */
import {
  CreateChannelCommand,
  DeleteChannelCommand,
  GetChannelCommand,
  GetStreamCommand,
  UpdateChannelCommand,
  paginateListChannels,
  type Channel,
  type ChannelSummary,
  type IvsClient,
  type StreamKey,
} from "@aws-sdk/client-ivs";
import { parseResourceRef, resolveArn } from "../aws/resolve.ts";
import type { Context } from "../cli/context.ts";
import { deleteResource, deleteUnlessGone } from "../cli/delete.ts";
import { printDryRun } from "../cli/dry-run.ts";
import { toCliError, usageError } from "../cli/errors.ts";
import type { HumanView } from "../cli/output.ts";
import { checkChannelSettings, toChannelRequest, type CreateChannelOptions, type UpdateChannelOptions } from "./options.ts";
import { rtmpIngestUrl, rtmpsIngestUrl, srtIngestUrl } from "./urls.ts";
import { collect } from "../aws/paginate.ts";
import { channelRef, refuseStackManaged } from "./target.ts";
import { arnId } from "../contract/arn.ts";

/** ARN, id or name -> channel ARN. The form is checked before any call. */
export async function resolveChannelArn(ivs: IvsClient, ref: string): Promise<string> {
  const parsed = parseResourceRef(ref, "channel");
  return resolveArn(parsed, "channel", async function* () {
    for await (const page of paginateListChannels({ client: ivs }, {})) yield* page.channels ?? [];
  });
}

export function channelView(c: Channel, streamKey?: StreamKey, title?: string): HumanView {
  const multitrack = c.multitrackInputConfiguration?.enabled
    ? `${c.multitrackInputConfiguration.policy} up to ${c.multitrackInputConfiguration.maximumResolution}`
    : "off";
  const fields: [string, string | boolean | undefined][] = [
    ["Name", c.name],
    ["ARN", c.arn],
    ["Type", c.type],
    ["Latency", c.latencyMode],
    ["Authorized", c.authorized],
    ["Insecure ingest", c.insecureIngest],
    ["Preset", c.preset],
    ["Container", c.containerFormat],
    ["Multitrack", multitrack],
    ["Recording", c.recordingConfigurationArn],
    ["Restriction policy", c.playbackRestrictionPolicyArn],
    ["Ingest (RTMPS)", c.ingestEndpoint ? rtmpsIngestUrl(c.ingestEndpoint) : undefined],
    ["Playback URL", c.playbackUrl],
  ];
  if (streamKey?.value) {
    fields.push(["Stream key", streamKey.value], ["Stream URL", rtmpsIngestUrl(c.ingestEndpoint ?? "", streamKey.value)]);
    if (c.insecureIngest) fields.push(["Stream URL (RTMP)", rtmpIngestUrl(c.ingestEndpoint ?? "", streamKey.value)]);
    if (c.srt?.endpoint && c.srt.passphrase) fields.push(["Stream URL (SRT)", srtIngestUrl(c.srt.endpoint, streamKey.value, c.srt.passphrase)]);
  }
  const tags = Object.entries(c.tags ?? {});
  if (tags.length) fields.push(["Tags", tags.map(([k, v]) => `${k}=${v}`).join(", ")]);
  return { kind: "record", title, fields };
}

export async function createChannel(ctx: Context, opts: CreateChannelOptions): Promise<{ channel: Channel; streamKey?: StreamKey } | undefined> {
  checkChannelSettings(opts);
  const request = { ...toChannelRequest(opts), ...(opts.tags ? { tags: opts.tags } : {}) };
  if (ctx.globals.dryRun) {
    printDryRun(ctx, "CreateChannel", request);
    return undefined;
  }
  const ivs = await ctx.aws.ivs();
  const res = await ivs.send(new CreateChannelCommand(request)).catch((e) => {
    throw toCliError(e, "creating channel");
  });
  const channel = res.channel!;
  const streamKey = res.streamKey;
  const ingestUrl = streamKey?.value ? rtmpsIngestUrl(channel.ingestEndpoint!, streamKey.value) : undefined;
  ctx.log.success(`created channel ${channel.name || channel.arn}`);
  ctx.out.result({ channel, streamKey, ingestUrl }, channelView(channel, streamKey));
  return { channel, streamKey };
}

export async function listChannels(ctx: Context, opts: { nameFilter?: string; recordingConfigurationArn?: string }): Promise<ChannelSummary[]> {
  const ivs = await ctx.aws.ivs();
  const filters = { filterByName: opts.nameFilter, filterByRecordingConfigurationArn: opts.recordingConfigurationArn };
  const channels = await collect(paginateListChannels({ client: ivs }, filters), (p) => p.channels, "listing channels");
  ctx.out.result(
    { channels },
    {
      kind: "table",
      columns: ["name", "id", "type", "latency", "authorized", "recording"],
      rows: channels.map((c) => [c.name, arnId(c.arn), c.type, c.latencyMode, c.authorized, c.recordingConfigurationArn ? "on" : "off"]),
    },
  );
  return channels;
}

export async function getChannel(ctx: Context, given: string | undefined): Promise<void> {
  const ref = await channelRef(ctx, given);
  parseResourceRef(ref, "channel");
  const ivs = await ctx.aws.ivs();
  try {
    const arn = await resolveChannelArn(ivs, ref);
    const { channel } = await ivs.send(new GetChannelCommand({ arn }));
    const stream = await ivs.send(new GetStreamCommand({ channelArn: arn })).then(
      (r) => r.stream,
      (e) => {
        if ((e as Error).name === "ChannelNotBroadcasting") return undefined; // offline: no stream to show
        throw e;
      },
    );
    const view = channelView(channel!);
    if (view.kind === "record") view.fields.push(["State", stream?.state ?? "OFFLINE"]);
    ctx.out.result({ channel, stream: stream ?? null }, view);
  } catch (e) {
    throw toCliError(e, `getting channel ${ref}`);
  }
}

export async function updateChannel(ctx: Context, opts: UpdateChannelOptions): Promise<void> {
  checkChannelSettings(opts);
  const request = toChannelRequest(opts);
  if (Object.keys(request).length === 0) {
    throw usageError("nothing to update: give at least one setting flag", "see `ivsctl channel update --help`");
  }
  parseResourceRef(opts.channel, "channel");
  const ivs = await ctx.aws.ivs();
  try {
    const arn = await resolveChannelArn(ivs, opts.channel);
    const { channel: current } = await ivs.send(new GetChannelCommand({ arn }));
    checkChannelSettings(opts, current);
    refuseStackManaged(current?.tags, { force: opts.force, action: "updating channel", arn });
    if (ctx.globals.dryRun) {
      return printDryRun(ctx, "UpdateChannel", { arn, ...request });
    }
    const { channel } = await ivs.send(new UpdateChannelCommand({ arn, ...request }));
    ctx.log.success(`updated channel ${channel?.name || arn}`);
    ctx.out.result({ channel }, channelView(channel!));
  } catch (e) {
    throw toCliError(e, `updating channel ${opts.channel}`);
  }
}

export async function deleteChannel(ctx: Context, opts: { channel: string; ifExists?: boolean; force?: boolean }): Promise<void> {
  if (opts.ifExists) {
    const ivs = await ctx.aws.ivs();
    const lookup = async () => ivs.send(new GetChannelCommand({ arn: await resolveChannelArn(ivs, opts.channel) }));
    return deleteUnlessGone(ctx, opts.channel, "channel", lookup, () => deleteChannel(ctx, { ...opts, ifExists: false }));
  }
  parseResourceRef(opts.channel, "channel");
  const ivs = await ctx.aws.ivs();
  await deleteResource(ctx, {
    noun: "channel",
    ref: opts.channel,
    resolve: async () => {
      const arn = await resolveChannelArn(ivs, opts.channel);
      const { channel } = await ivs.send(new GetChannelCommand({ arn }));
      refuseStackManaged(channel?.tags, { force: opts.force, action: "deleting channel", arn });
      return arn;
    },
    operation: "DeleteChannel",
    send: (arn) => ivs.send(new DeleteChannelCommand({ arn })),
  });
}
