/**
 * Stream keys. AWS allows one key per channel, so rotation is DeleteStreamKey then
 * CreateStreamKey (AWS's documented way to reset a key). Key values only ever reach stdout
 * through ctx.out, which redacts them unless --show-secrets.
 */
import { deleteUnlessGone } from "../cli/delete.ts";
import {
  CreateStreamKeyCommand,
  DeleteStreamKeyCommand,
  GetChannelCommand,
  GetStreamCommand,
  GetStreamKeyCommand,
  paginateListStreamKeys,
  type IvsClient,
  type StreamKey,
  type StreamKeySummary,
} from "@aws-sdk/client-ivs";
import { tagsCell } from "../aws/tags.ts";
import { arnId, parseArn } from "../contract/arn.ts";
import { parseResourceRef } from "../aws/resolve.ts";
import { confirmOrRefuse, type Context } from "../cli/context.ts";
import { printDryRun } from "../cli/dry-run.ts";
import { CliError, notFoundError, stateError, toCliError, usageError } from "../cli/errors.ts";
import type { HumanView } from "../cli/output.ts";
import { resolveChannelArn } from "./channels.ts";
import { rtmpsIngestUrl } from "./urls.ts";
import { collect } from "../aws/paginate.ts";
import { channelRef, channelTarget, refuseStackManaged } from "./target.ts";

export interface StreamKeyRef {
  /** Channel ARN, id or name; or a stream-key ARN (then `key` is not needed). */
  channel: string;
  /** Stream-key ARN or 12-character id; optional when the channel has exactly one key. */
  key?: string;
}

const KEY_ID = /^[a-zA-Z0-9]{12}$/;

/** Check the reference forms before any call. */
export function checkStreamKeyRef(ref: StreamKeyRef): void {
  if (ref.channel.startsWith("arn:") && parseArn(ref.channel)?.resourceType === "stream-key") {
    if (ref.key) throw usageError("give either a stream-key ARN or <channel> [key], not both");
    parseResourceRef(ref.channel, "stream-key");
    return;
  }
  parseResourceRef(ref.channel, "channel");
  if (ref.key !== undefined && !KEY_ID.test(ref.key)) parseResourceRef(ref.key, "stream-key");
}

const listKeys = (ivs: IvsClient, channelArn: string): Promise<StreamKeySummary[]> =>
  collect(paginateListStreamKeys({ client: ivs }, { channelArn, maxResults: 50 }), (p) => p.streamKeys, `listing stream keys of ${channelArn}`);

/** -> the stream-key ARN the user means (and its channel ARN, when known). */
async function resolveKeyArn(ivs: IvsClient, ref: StreamKeyRef): Promise<string> {
  if (ref.channel.startsWith("arn:") && parseArn(ref.channel)?.resourceType === "stream-key") return ref.channel;
  const channelArn = await resolveChannelArn(ivs, ref.channel);
  const keys = await listKeys(ivs, channelArn);
  if (ref.key) {
    const hit = keys.find((k) => k.arn === ref.key || k.arn?.endsWith(`/${ref.key}`));
    if (!hit) throw notFoundError(`channel ${channelArn} has no stream key ${ref.key}`);
    return hit.arn!;
  }
  if (keys.length === 0) throw notFoundError(`channel ${channelArn} has no stream key`, `create one: ivsctl stream-key create ${channelArn}`);
  if (keys.length > 1) throw usageError(`channel has ${keys.length} stream keys: ${keys.map((k) => k.arn).join(", ")}`, "name one: ivsctl stream-key get <channel> <key-id>");
  return keys[0]!.arn!;
}

async function ingestEndpointOf(ivs: IvsClient, channelArn: string): Promise<string | undefined> {
  const { channel } = await ivs.send(new GetChannelCommand({ arn: channelArn }));
  return channel?.ingestEndpoint;
}

function keyView(key: StreamKey, ingestUrl?: string): HumanView {
  const fields: HumanView & { kind: "record" } = {
    kind: "record",
    fields: [
      ["ARN", key.arn],
      ["Channel", key.channelArn],
      ["Stream key", key.value],
      ["Ingest URL", ingestUrl],
    ],
  };
  const tags = Object.entries(key.tags ?? {});
  if (tags.length) fields.fields.push(["Tags", tags.map(([k, v]) => `${k}=${v}`).join(", ")]);
  return fields;
}

export async function createStreamKey(ctx: Context, opts: { channel: string; tags?: Record<string, string> }): Promise<void> {
  parseResourceRef(opts.channel, "channel");
  const ivs = await ctx.aws.ivs();
  try {
    const channelArn = await resolveChannelArn(ivs, opts.channel);
    const request = { channelArn, ...(opts.tags ? { tags: opts.tags } : {}) };
    if (ctx.globals.dryRun) return printDryRun(ctx, "CreateStreamKey", request);
    const { streamKey } = await ivs.send(new CreateStreamKeyCommand(request)).catch((e) => {
      if ((e as Error).name === "ServiceQuotaExceededException") {
        throw stateError(`channel ${channelArn} already has a stream key (IVS allows one per channel)`, "ServiceQuotaExceededException", "replace it with `ivsctl stream-key rotate <channel>`");
      }
      throw e;
    });
    const endpoint = await ingestEndpointOf(ivs, channelArn);
    const ingestUrl = endpoint && streamKey?.value ? rtmpsIngestUrl(endpoint, streamKey.value) : undefined;
    ctx.log.success(`created stream key ${streamKey?.arn}`);
    ctx.out.result({ streamKey, ingestUrl }, keyView(streamKey!, ingestUrl));
  } catch (e) {
    throw toCliError(e, `creating a stream key for ${opts.channel}`);
  }
}

export async function listStreamKeys(ctx: Context, opts: { channel: string }): Promise<void> {
  parseResourceRef(opts.channel, "channel");
  const ivs = await ctx.aws.ivs();
  try {
    const channelArn = await resolveChannelArn(ivs, opts.channel);
    const streamKeys = await listKeys(ivs, channelArn);
    ctx.out.result(
      { streamKeys },
      {
        kind: "table",
        columns: ["id", "arn", "tags"],
        rows: streamKeys.map((k) => [arnId(k.arn), k.arn, tagsCell(k.tags)]),
      },
    );
  } catch (e) {
    throw toCliError(e, `listing stream keys of ${opts.channel}`);
  }
}

export async function getStreamKey(ctx: Context, given: Omit<StreamKeyRef, "channel"> & { channel?: string }): Promise<void> {
  // The live key, through the API: a key a stack's output carries goes stale at the first rotation.
  const ref: StreamKeyRef = { ...given, channel: await channelRef(ctx, given.channel) };
  checkStreamKeyRef(ref);
  const ivs = await ctx.aws.ivs();
  try {
    const arn = await resolveKeyArn(ivs, ref);
    const { streamKey } = await ivs.send(new GetStreamKeyCommand({ arn }));
    const endpoint = await ingestEndpointOf(ivs, streamKey!.channelArn!);
    const ingestUrl = endpoint && streamKey?.value ? rtmpsIngestUrl(endpoint, streamKey.value) : undefined;
    ctx.out.result({ streamKey, ingestUrl }, keyView(streamKey!, ingestUrl));
  } catch (e) {
    throw toCliError(e, `getting the stream key of ${ref.channel}`);
  }
}

async function isLive(ivs: IvsClient, channelArn: string): Promise<boolean> {
  try {
    const { stream } = await ivs.send(new GetStreamCommand({ channelArn }));
    return stream?.state === "LIVE";
  } catch (e) {
    if ((e as Error).name === "ChannelNotBroadcasting") return false;
    throw e;
  }
}

export async function deleteStreamKey(ctx: Context, ref: StreamKeyRef & { force: boolean; ifExists?: boolean }): Promise<void> {
  checkStreamKeyRef(ref);
  if (ref.ifExists) {
    const ivs = await ctx.aws.ivs();
    const lookup = async () => ivs.send(new GetStreamKeyCommand({ arn: await resolveKeyArn(ivs, ref) }));
    return deleteUnlessGone(ctx, ref.key ?? ref.channel, "stream key", lookup, () => deleteStreamKey(ctx, { ...ref, ifExists: false }));
  }
  checkStreamKeyRef(ref);
  const ivs = await ctx.aws.ivs();
  let arn: string;
  let channelArn: string;
  try {
    arn = await resolveKeyArn(ivs, ref);
    channelArn = (await ivs.send(new GetStreamKeyCommand({ arn }))).streamKey!.channelArn!;
    if (!ref.force && (await isLive(ivs, channelArn))) {
      throw stateError(`channel ${channelArn} is LIVE: deleting its stream key cuts the broadcast`, "ChannelLive", "add --force to delete it anyway");
    }
  } catch (e) {
    throw toCliError(e, `deleting the stream key of ${ref.channel}`);
  }
  if (ctx.globals.dryRun) return printDryRun(ctx, "DeleteStreamKey", { arn });
  await confirmOrRefuse(ctx, `Delete stream key ${arn}?`);
  try {
    await ivs.send(new DeleteStreamKeyCommand({ arn }));
  } catch (e) {
    throw toCliError(e, `deleting stream key ${arn}`);
  }
  ctx.log.success(`deleted stream key ${arn}`);
  ctx.out.result({ arn, channelArn, deleted: true }, { kind: "record", fields: [["Deleted", arn]] });
}

/**
 * Replace a channel's stream key. IVS holds one key per channel, so the old key is deleted first
 * and the new one created right after; on a LIVE channel this cuts the broadcast, hence --force.
 */
export async function rotateStreamKey(ctx: Context, opts: { channel?: string; force: boolean }): Promise<void> {
  if (opts.channel !== undefined) parseResourceRef(opts.channel, "channel");
  const target = await channelTarget(ctx, opts.channel);
  const ivs = await ctx.aws.ivs();
  let channelArn: string;
  let old: StreamKeySummary[];
  try {
    channelArn = await resolveChannelArn(ivs, target.ref);
    old = await listKeys(ivs, channelArn);
    const { channel } = await ivs.send(new GetChannelCommand({ arn: channelArn }));
    const tags = { ...channel?.tags, ...old[0]?.tags };
    refuseStackManaged(tags, { force: opts.force, action: "rotating the stream key of", arn: channelArn, stack: target.stack });
    if (!opts.force && (await isLive(ivs, channelArn))) {
      throw stateError(`channel ${channelArn} is LIVE: rotating its stream key cuts the broadcast`, "ChannelLive", "add --force to rotate anyway, or stop the stream first");
    }
  } catch (e) {
    throw toCliError(e, `rotating the stream key of ${target.ref}`);
  }
  if (ctx.globals.dryRun) {
    return ctx.out.result(
      { dryRun: true, plan: [...old.map((k) => ({ operation: "DeleteStreamKey", request: { arn: k.arn } })), { operation: "CreateStreamKey", request: { channelArn } }] },
      { kind: "table", title: "Would call:", columns: ["operation", "target"], rows: [...old.map((k) => ["DeleteStreamKey", k.arn]), ["CreateStreamKey", channelArn]] },
    );
  }
  await confirmOrRefuse(ctx, `Replace the stream key of ${channelArn}? Encoders using the old key stop working`);
  try {
    for (const k of old) await ivs.send(new DeleteStreamKeyCommand({ arn: k.arn! }));
  } catch (e) {
    throw toCliError(e, `rotating: deleting the old stream key of ${channelArn}`);
  }
  let streamKey: StreamKey | undefined;
  try {
    streamKey = (await ivs.send(new CreateStreamKeyCommand({ channelArn, ...(old[0]?.tags && Object.keys(old[0].tags).length ? { tags: old[0].tags } : {}) }))).streamKey;
  } catch (e) {
    const err = toCliError(e, `rotating: the old key of ${channelArn} was deleted but creating the new one failed`);
    throw new CliError(err.message, {
      exitCode: err.exitCode,
      code: err.code,
      hint: `the channel has no stream key now: run \`ivsctl stream-key create ${channelArn}\``,
      cause: e,
    });
  }
  const endpoint = await ingestEndpointOf(ivs, channelArn).catch(() => undefined);
  const ingestUrl = endpoint && streamKey?.value ? rtmpsIngestUrl(endpoint, streamKey.value) : undefined;
  ctx.log.success(`rotated the stream key of ${channelArn}`);
  ctx.out.result({ streamKey, ingestUrl, deleted: old.map((k) => k.arn) }, keyView(streamKey!, ingestUrl));
}
