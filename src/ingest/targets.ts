/**
 * Where `ivsctl ingest` publishes: a channel (its live key read through the API), a real-time stage
 * (through an RTMPS ingest configuration, temporary unless given), or any RTMP(S) URL; and the
 * stream key a third-party server needs. Each target knows how to tell when it is live.
 */
import type { Context } from "../cli/context.ts";
import { READ_LIMITS, readTextFileBounded } from "../cli/bounded-read.ts";
import { CliError, configError, notFoundError, toCliError, usageError } from "../cli/errors.ts";
import { ExitCode } from "../cli/exit-codes.ts";
import { registerSecret } from "../cli/redact.ts";
import { rtmpsIngestUrl } from "../channel/urls.ts";
import { channelLimitBps, checkChannelLimits, STAGE_MAX_BPS, type IngestOptions } from "./options.ts";

/** Any RTMP(S) server: the key (from a file, stdin or IVSCTL_STREAM_KEY) is appended as the stream name. */
export function urlTarget(url: string, key: string | undefined): Target {
  const base = url.replace(/\/+$/, "");
  return { kind: "url", url: key ? `${base}/${key}` : url, limitBps: 8_500_000, stage: false };
}

export async function readStreamKey(ctx: Context, opts: IngestOptions): Promise<string | undefined> {
  let key: string | undefined;
  if (opts.streamKeyFile === "-") key = await ctx.io.readStdin({ maxBytes: READ_LIMITS.streamKey, what: "the stream key on stdin" });
  else if (opts.streamKeyFile !== undefined) key = readTextFileBounded(opts.streamKeyFile, { maxBytes: READ_LIMITS.streamKey, what: "--stream-key-file" });
  else if (ctx.env.IVSCTL_STREAM_KEY !== undefined) {
    // Set but empty is a broken CI secret, not "no key": say so rather than fall back to the channel's key.
    if (ctx.env.IVSCTL_STREAM_KEY.trim() === "") throw configError("IVSCTL_STREAM_KEY is set but empty", "unset it to use the channel's own stream key");
    key = ctx.env.IVSCTL_STREAM_KEY;
  }
  key = key?.trim();
  if (key !== undefined && !/^[\x21-\x7e]{1,512}$/.test(key)) throw usageError("the stream key must be one line of printable characters");
  registerSecret(key); // a third-party key has no shape the redactor could recognise
  return key;
}

export interface Target {
  kind: "channel" | "stage" | "url";
  arn?: string;
  url: string;
  limitBps: number;
  stage: boolean;
  /** A temporary ingest configuration to delete afterwards. */
  temporaryConfigArn?: string;
  ingestConfigurationArn?: string;
  waitLive?: () => Promise<boolean>;
}

export async function channelTarget(ctx: Context, opts: IngestOptions, key: string | undefined): Promise<Target> {
  const { GetChannelCommand, GetStreamCommand, GetStreamKeyCommand, ListStreamKeysCommand } = await import("@aws-sdk/client-ivs");
  const { resolveChannelArn } = await import("../channel/channels.ts");
  const { channelRef } = await import("../channel/target.ts");
  const ref = await channelRef(ctx, opts.channel);
  const ivs = await ctx.aws.ivs();
  try {
    // The key comes from the API (ListStreamKeys, GetStreamKey), never from a stack output: an
    // output's key goes stale at the first `stream-key rotate`.
    const arn = await resolveChannelArn(ivs, ref);
    const { channel } = await ivs.send(new GetChannelCommand({ arn }));
    checkChannelLimits(channel?.type, opts);
    if (key === undefined) {
      const { streamKeys } = await ivs.send(new ListStreamKeysCommand({ channelArn: arn }));
      const keyArn = streamKeys?.[0]?.arn;
      if (!keyArn) throw notFoundError(`channel ${arn} has no stream key`, "create one (ivsctl stream-key create) or pass --stream-key-file");
      const { streamKey } = await ivs.send(new GetStreamKeyCommand({ arn: keyArn }));
      key = streamKey?.value;
      if (!key) throw notFoundError(`could not read the stream key of ${arn}`, "pass --stream-key-file");
    }
    const waitLive = async () =>
      ivs.send(new GetStreamCommand({ channelArn: arn })).then(
        (r) => r.stream?.state === "LIVE",
        (e) => {
          if ((e as Error).name === "ChannelNotBroadcasting") return false; // not yet
          throw e;
        },
      );
    return { kind: "channel", arn, url: rtmpsIngestUrl(channel!.ingestEndpoint!, key), limitBps: channelLimitBps(channel?.type, opts.resolution), stage: false, waitLive };
  } catch (e) {
    throw toCliError(e, `preparing ingest into channel ${ref}`);
  }
}

export async function stageTarget(ctx: Context, opts: IngestOptions): Promise<Target> {
  const rt = await import("@aws-sdk/client-ivs-realtime");
  const { fetchStage } = await import("../stage/lookup.ts");
  const { rt: client, stage } = await fetchStage(ctx, opts.stage!);
  const stageArn = stage.arn!;
  try {
    const endpoint = stage?.endpoints?.rtmps;
    if (!endpoint) throw new CliError(`stage ${stageArn} has no RTMPS endpoint`, { exitCode: ExitCode.State, code: "NoRtmpsEndpoint" });
    let config: { arn?: string; streamKey?: string } | undefined;
    let temporary: string | undefined;
    if (opts.ingestConfig !== undefined) {
      config = (await client.send(new rt.GetIngestConfigurationCommand({ arn: opts.ingestConfig }))).ingestConfiguration;
    } else if (!ctx.globals.dryRun) {
      config = (
        await client.send(
          new rt.CreateIngestConfigurationCommand({ stageArn, ingestProtocol: "RTMPS", name: `ivsctl-ingest-${Date.now()}`, userId: "ivsctl-ingest", attributes: { source: "ivsctl ingest" } }),
        )
      ).ingestConfiguration;
      temporary = config?.arn;
      ctx.log.info(`created temporary ingest configuration ${config?.arn}${opts.keep ? " (kept: --keep)" : ""}`);
    }
    const key = config?.streamKey ?? "<temporary-ingest-configuration-key>";
    const url = `${endpoint.replace(/\/+$/, "")}/${key}`;
    const configArn = config?.arn;
    const waitLive = async () =>
      configArn
        ? client.send(new rt.GetIngestConfigurationCommand({ arn: configArn })).then((r) => r.ingestConfiguration?.state === "ACTIVE")
        : false;
    return { kind: "stage", arn: stageArn, url, limitBps: STAGE_MAX_BPS, stage: true, temporaryConfigArn: temporary, ingestConfigurationArn: configArn, waitLive };
  } catch (e) {
    throw toCliError(e, `preparing ingest into stage ${opts.stage}`);
  }
}

/** Deletes the temporary ingest configuration; returns the error when it could not. */
export async function deleteTemporaryConfig(ctx: Context, arn: string): Promise<CliError | undefined> {
  const rt = await import("@aws-sdk/client-ivs-realtime");
  const client = await ctx.aws.realtime();
  try {
    await client.send(new rt.DeleteIngestConfigurationCommand({ arn, force: true }));
    ctx.log.info(`deleted temporary ingest configuration ${arn}`);
    return undefined;
  } catch (e) {
    const err = toCliError(e, `deleting temporary ingest configuration ${arn}`);
    ctx.log.warn(err.message);
    return err;
  }
}

