/** Live streams and stream sessions: state, health, viewers, and what the encoder sends. */
import {
  GetStreamCommand,
  GetStreamSessionCommand,
  StopStreamCommand,
  paginateListStreamSessions,
  paginateListStreams,
  type IngestConfiguration,
  type _Stream as Stream,
  type StreamSession,
} from "@aws-sdk/client-ivs";
import { parseResourceRef } from "../aws/resolve.ts";
import { confirmOrRefuse, type Context } from "../cli/context.ts";
import { printDryRun } from "../cli/dry-run.ts";
import { checkDurationMs, MAX_TIMER_MS } from "../cli/duration.ts";
import { doing, toCliError, usageError } from "../cli/errors.ts";
import { signalScope } from "../cli/signals.ts";
import { pollUntil } from "../cli/wait.ts";
import type { Cell } from "../cli/output.ts";
import { resolveChannelArn } from "./channels.ts";

import { STREAM_HEALTH } from "./stream-health.ts";
import { collect } from "../aws/paginate.ts";
import { channelRef } from "./target.ts";
import { STREAM_STATES, type StreamState } from "./stream-health.ts";
import { arnId } from "../contract/arn.ts";
/** IVS stream ids: st- and 23 letters or digits (26 characters). */
const STREAM_ID = /^st-[a-zA-Z0-9]{23}$/;

export function checkStreamId(id: string): void {
  if (!STREAM_ID.test(id)) throw usageError(`"${id}" is not a stream session id (st- followed by 23 letters or digits)`);
}

const mbps = (bps?: number) => (bps === undefined ? undefined : `${(bps / 1e6).toFixed(bps >= 1e7 ? 0 : 1)} Mbps`);
const kbps = (bps?: number) => (bps === undefined ? undefined : `${Math.round(bps / 1000)} kbps`);

/** One line each for video and audio, e.g. "H.264 1280x720 30 fps 3.5 Mbps (x264)". */
export function ingestSummary(c: IngestConfiguration | undefined): { video?: string; audio?: string } {
  const v = c?.video;
  const a = c?.audio;
  const join = (parts: (string | undefined)[]) => parts.filter(Boolean).join(" ") || undefined;
  return {
    video: v
      ? join([v.codec, v.videoWidth && v.videoHeight ? `${v.videoWidth}x${v.videoHeight}` : undefined, v.targetFramerate ? `${v.targetFramerate} fps` : undefined, mbps(v.targetBitrate), v.encoder ? `(${v.encoder})` : undefined])
      : undefined,
    audio: a ? join([a.codec, a.sampleRate ? `${a.sampleRate / 1000} kHz` : undefined, a.channels ? `${a.channels} ch` : undefined, kbps(a.targetBitrate)]) : undefined,
  };
}

async function channelArnOf(ctx: Context, ref: string): Promise<string> {
  parseResourceRef(ref, "channel");
  return resolveChannelArn(await ctx.aws.ivs(), ref);
}

export async function getStream(ctx: Context, o: { channel?: string }): Promise<void> {
  const channel = await channelRef(ctx, o.channel);
  parseResourceRef(channel, "channel");
  const ivs = await ctx.aws.ivs();
  try {
    const channelArn = await resolveChannelArn(ivs, channel);
    const stream: Stream = await ivs.send(new GetStreamCommand({ channelArn })).then(
      (r) => r.stream!,
      (e) => {
        if ((e as Error).name === "ChannelNotBroadcasting") return { channelArn, state: "OFFLINE" } as Stream;
        throw e;
      },
    );
    // The encoder's settings live on the session; offline, that is the last one (if any).
    const session = await ivs.send(new GetStreamSessionCommand({ channelArn, ...(stream.streamId ? { streamId: stream.streamId } : {}) })).then(
      (r) => r.streamSession,
      (e) => {
        if ((e as Error).name === "ResourceNotFoundException") return undefined;
        throw e;
      },
    );
    const ingest = stream.state === "LIVE" ? session?.ingestConfiguration : undefined;
    const summary = ingestSummary(ingest);
    ctx.out.result(
      { stream, ingestConfiguration: ingest, lastSession: stream.state === "LIVE" ? undefined : session ? { streamId: session.streamId, startTime: session.startTime, endTime: session.endTime } : undefined },
      {
        kind: "record",
        fields: [
          ["Channel", channelArn],
          ["State", stream.state],
          ["Health", stream.health],
          ["Viewers", stream.viewerCount],
          ["Stream id", stream.streamId],
          ["Started", stream.startTime],
          ["Video", summary.video],
          ["Audio", summary.audio],
          ["Playback URL", stream.playbackUrl],
          ...(stream.state !== "LIVE" && session ? ([["Last session", `${session.streamId} (ended ${session.endTime?.toISOString() ?? "?"})`]] as [string, Cell][]) : []),
        ].filter(([, v]) => v !== undefined) as [string, Cell][],
      },
    );
  } catch (e) {
    throw toCliError(e, `getting the stream of ${channel}`);
  }
}

export async function listStreams(ctx: Context, o: { health?: (typeof STREAM_HEALTH)[number] }): Promise<void> {
  const ivs = await ctx.aws.ivs();
  const streams = await collect(paginateListStreams({ client: ivs }, o.health ? { filterBy: { health: o.health } } : {}), (p) => p.streams, "listing live streams");
  ctx.out.result(
    { streams },
    {
      kind: "table",
      columns: ["channel", "stream id", "state", "health", "viewers", "started"],
      rows: streams.map((s) => [arnId(s.channelArn), s.streamId, s.state, s.health, s.viewerCount, s.startTime]),
    },
  );
}

export async function stopStream(ctx: Context, o: { channel?: string }): Promise<void> {
  const channel = await channelRef(ctx, o.channel);
  let channelArn: string;
  try {
    channelArn = await channelArnOf(ctx, channel);
  } catch (e) {
    throw toCliError(e, `stopping the stream of ${channel}`);
  }
  if (ctx.globals.dryRun) return printDryRun(ctx, "StopStream", { channelArn });
  await confirmOrRefuse(ctx, `Stop the live stream of ${channelArn}? The encoder is disconnected`);
  try {
    await (await ctx.aws.ivs()).send(new StopStreamCommand({ channelArn }));
  } catch (e) {
    throw toCliError(e, `stopping the stream of ${channel}`);
  }
  ctx.log.success(`stopped the stream of ${channelArn}`);
  ctx.out.result({ channelArn, stopped: true }, { kind: "record", fields: [["Stopped", channelArn]] });
}

export async function listSessions(ctx: Context, o: { channel?: string }): Promise<void> {
  const channel = await channelRef(ctx, o.channel);
  const what = `listing stream sessions of ${channel}`;
  const channelArn = await doing(what, () => channelArnOf(ctx, channel));
  const sessions = await collect(paginateListStreamSessions({ client: await ctx.aws.ivs() }, { channelArn }), (p) => p.streamSessions, what);
  ctx.out.result(
    { streamSessions: sessions },
    {
      kind: "table",
      columns: ["stream id", "start", "end", "errors"],
      rows: sessions.map((s) => [s.streamId, s.startTime, s.endTime ?? "(live)", s.hasErrorEvent ? "yes" : "no"]),
    },
  );
}

export async function getSession(ctx: Context, o: { channel: string; streamId: string }): Promise<void> {
  checkStreamId(o.streamId);
  let session: StreamSession;
  try {
    const channelArn = await channelArnOf(ctx, o.channel);
    session = (await (await ctx.aws.ivs()).send(new GetStreamSessionCommand({ channelArn, streamId: o.streamId }))).streamSession!;
  } catch (e) {
    throw toCliError(e, `getting stream session ${o.streamId}`);
  }
  const summary = ingestSummary(session.ingestConfiguration);
  const events = session.truncatedEvents ?? [];
  ctx.out.result(
    { streamSession: session },
    [
      {
        kind: "record",
        fields: [
          ["Stream id", session.streamId],
          ["Channel", session.channel?.arn],
          ["Start", session.startTime],
          ["End", session.endTime ?? "(live)"],
          ["Video", summary.video],
          ["Audio", summary.audio],
          ["Recording", session.recordingConfiguration?.arn],
        ],
      },
      { kind: "table", title: "Events", columns: ["time", "name", "type"], rows: events.map((e) => [e.eventTime, e.name, e.type]) },
    ],
  );
}


export interface StreamWaitOptions {
  channel: string;
  /** The state to wait for (default LIVE). */
  state: StreamState;
  /** How long to wait (default 30 s); over it is exit 6, as every --wait. */
  timeoutMs: number;
}

/** How often `stream wait` asks GetStream: within IVS's rate limits, quick enough for CI. */
export const STREAM_WAIT_INTERVAL_MS = 500;

/**
 * `ivsctl stream wait <channel> [--state LIVE|OFFLINE] [--timeout 30s]`: block until the stream is
 * in that state, so a CI script needs no `sleep`. Exit 0 with the stream, 6 on timeout, 130/143/129
 * on a signal.
 */
export async function waitStream(ctx: Context, o: StreamWaitOptions): Promise<void> {
  parseResourceRef(o.channel, "channel");
  if (!(STREAM_STATES as readonly string[]).includes(o.state)) throw usageError(`--state must be one of ${STREAM_STATES.join(", ")} (got "${o.state}")`);
  if (!(o.timeoutMs > 0)) throw usageError("--timeout must be more than 0");
  checkDurationMs(o.timeoutMs, "--timeout", MAX_TIMER_MS);
  const ivs = await ctx.aws.ivs();
  const started = performance.now();
  const signals = signalScope();
  let channelArn = o.channel;
  let stream: Stream;
  try {
    channelArn = await resolveChannelArn(ivs, o.channel).catch((e) => {
      throw toCliError(e, `finding channel ${o.channel}`);
    });
    const probe = () =>
      ivs.send(new GetStreamCommand({ channelArn })).then(
        (r) => r.stream!,
        (e) => {
          if ((e as Error).name === "ChannelNotBroadcasting") return { channelArn, state: "OFFLINE" } as Stream;
          throw toCliError(e, `reading the stream of ${channelArn}`);
        },
      );
    stream = await pollUntil(probe, (s) => s.state === o.state, {
      what: `the stream of ${channelArn} to be ${o.state}`,
      timeoutMs: o.timeoutMs,
      intervalMs: STREAM_WAIT_INTERVAL_MS,
      now: () => performance.now(),
      describe: (s) => `still ${s.state ?? "unknown"}`,
      abort: signals.abort,
    });
  } finally {
    signals.release();
  }
  const waitedMs = Math.round(performance.now() - started);
  ctx.log.success(`the stream of ${channelArn} is ${o.state} (waited ${(waitedMs / 1000).toFixed(1)} s)`);
  ctx.out.result(
    { channelArn, state: o.state, waitedMs, stream: o.state === "LIVE" ? stream : null },
    { kind: "record", fields: [["Channel", channelArn], ["State", o.state], ["Health", stream.health], ["Waited", `${(waitedMs / 1000).toFixed(1)} s`]] },
  );
}
