/**
 * Live-stream behaviour in-process: a real `ivsctl local` server (startLocalServer), a stream made
 * LIVE through the shared stream state (startStream, as the ingest listener does), and ivsctl's
 * domain functions talking to it over HTTP through the AWS SDK.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { CreateChannelCommand } from "@aws-sdk/client-ivs";
import type { GlobalOptions } from "../../src/cli/context.ts";
import { testContext } from "../helpers/context.ts";
import { getSession, getStream, listSessions, listStreams, stopStream } from "../../src/channel/streams.ts";
import { deleteStreamKey, rotateStreamKey } from "../../src/channel/stream-keys.ts";
import { startLocalServer, type LocalServer } from "../../src/local/server.ts";
import { startStream, updateStreamIngest } from "../../src/local/streams.ts";
import { expectCliError } from "../helpers/assert.ts";

let server: LocalServer;
const disconnected: string[] = [];

function ctxFor(over: Partial<GlobalOptions> = {}) {
  const ctx = testContext(server.url, { globals: over });
  return { ctx, io: ctx.io, out: () => JSON.parse(ctx.io.out()) };
}

async function liveChannel(name: string) {
  const { ctx } = ctxFor();
  const { channel } = await (await ctx.aws.ivs()).send(new CreateChannelCommand({ name }));
  const stream = startStream(server.store, { arn: channel!.arn!, playbackUrl: channel!.playbackUrl! }, new Date(), {
    video: { codec: "avc1.64001F", width: 1280, height: 720, framerate: 30, bitrateBps: 3_500_000, encoder: "Lavf59" },
    audio: { codec: "mp4a.40.2", sampleRate: 48000, channels: 2, bitrateBps: 160_000 },
  });
  return { arn: channel!.arn!, streamId: stream.streamId };
}

const cliError = expectCliError;

beforeAll(async () => {
  // Its steps call ListChannels and friends faster than 5 TPS with clients that do not retry: the rate
  // quotas are tested in emulator-rate-limits.test.ts.
  server = await startLocalServer({ port: 0, statePath: ":memory:", rateLimits: false, env: { ...process.env, AWS_REGION: "us-east-1" } });
  const original = server.world.disconnectPublisher;
  server.world.disconnectPublisher = (arn) => {
    disconnected.push(arn);
    original?.(arn);
  };
});
afterAll(() => server?.stop());

describe("a LIVE stream", () => {
  test("stream get: state, health, viewers and the encoder's settings", async () => {
    const ch = await liveChannel("live-get");
    const { ctx, out, io } = ctxFor();
    await getStream(ctx, { channel: "live-get" });
    const doc = out();
    expect(doc.stream).toMatchObject({ channelArn: ch.arn, streamId: ch.streamId, state: "LIVE", health: "HEALTHY", viewerCount: 0 });
    expect(doc.stream.streamId).toMatch(/^st-[A-Za-z0-9]{23}$/);
    expect(doc.ingestConfiguration.video).toEqual({ codec: "avc1.64001F", encoder: "Lavf59", targetBitrate: 3_500_000, targetFramerate: 30, videoWidth: 1280, videoHeight: 720 });
    const human = ctxFor({ output: "table" });
    await getStream(human.ctx, { channel: ch.arn });
    expect(human.io.out()).toMatch(/^Video\s+avc1\.64001F 1280x720 30 fps 3\.5 Mbps \(Lavf59\)$/m);
    expect(human.io.out()).toMatch(/^Audio\s+mp4a\.40\.2 48 kHz 2 ch 160 kbps$/m);
    expect(io.err()).toBe("");
  });

  test("stream list filters by health", async () => {
    const a = await liveChannel("live-a");
    const b = await liveChannel("live-b");
    updateStreamIngest(server.store, b.arn, {}, "STARVING");
    const all = ctxFor();
    await listStreams(all.ctx, {});
    const arns = all.out().streams.map((s: { channelArn: string }) => s.channelArn);
    expect(arns).toContain(a.arn);
    expect(arns).toContain(b.arn);
    const starving = ctxFor();
    await listStreams(starving.ctx, { health: "STARVING" });
    expect(starving.out().streams.map((s: { channelArn: string }) => s.channelArn)).toEqual([b.arn]);
  });

  test("stream-key rotate and delete refuse on a LIVE channel (exit 5) unless --force", async () => {
    const ch = await liveChannel("live-rotate");
    const { ctx } = ctxFor({ yes: true });
    const e = await cliError(rotateStreamKey(ctx, { channel: "live-rotate", force: false }));
    expect(e.exitCode).toBe(5);
    expect(e.message).toBe(`channel ${ch.arn} is LIVE: rotating its stream key cuts the broadcast`);
    expect(e.hint).toBe("add --force to rotate anyway, or stop the stream first");
    const d = await cliError(deleteStreamKey(ctx, { channel: "live-rotate", force: false }));
    expect(d.exitCode).toBe(5);
    const forced = ctxFor({ yes: true });
    await rotateStreamKey(forced.ctx, { channel: "live-rotate", force: true });
    expect(forced.out().streamKey.arn).toMatch(/stream-key\//);
  });

  test("stream stop: needs --yes, disconnects the publisher, ends the session", async () => {
    const ch = await liveChannel("live-stop");
    const refused = await cliError(stopStream(ctxFor().ctx, { channel: "live-stop" }));
    expect(refused.exitCode).toBe(2);
    expect(refused.message).toBe(`Stop the live stream of ${ch.arn}? The encoder is disconnected: refusing without --yes (stdin is not a terminal)`);
    const { ctx, out } = ctxFor({ yes: true });
    await stopStream(ctx, { channel: "live-stop" });
    expect(out()).toEqual({ channelArn: ch.arn, stopped: true });
    expect(disconnected).toContain(ch.arn);
    const after = ctxFor();
    await getStream(after.ctx, { channel: "live-stop" });
    expect(after.out().stream).toEqual({ channelArn: ch.arn, state: "OFFLINE" });
    expect(after.out().lastSession.streamId).toBe(ch.streamId);
    const again = await cliError(stopStream(ctxFor({ yes: true }).ctx, { channel: "live-stop" }));
    expect(again.exitCode).toBe(5);
    expect(again.code).toBe("ChannelNotBroadcasting");
  });

  test("stream sessions and stream session show times, encoder settings and events", async () => {
    const ch = await liveChannel("live-sessions");
    const stop = ctxFor({ yes: true });
    await stopStream(stop.ctx, { channel: ch.arn });
    const second = startStream(server.store, { arn: ch.arn, playbackUrl: "http://x/p.m3u8" }, new Date());
    const list = ctxFor();
    await listSessions(list.ctx, { channel: "live-sessions" });
    const sessions = list.out().streamSessions;
    expect(sessions.map((s: { streamId: string }) => s.streamId)).toEqual([second.streamId, ch.streamId]);
    expect(sessions[0].endTime).toBeUndefined();
    expect(sessions[1].endTime).toBeString();
    const one = ctxFor();
    await getSession(one.ctx, { channel: "live-sessions", streamId: ch.streamId });
    const s = one.out().streamSession;
    expect(s.channel.arn).toBe(ch.arn);
    expect(s.ingestConfiguration.audio).toEqual({ codec: "mp4a.40.2", targetBitrate: 160_000, sampleRate: 48000, channels: 2 });
    expect(s.truncatedEvents.map((e: { name: string }) => e.name)).toEqual(["Session Created", "Session Ended"]);
    const table = ctxFor({ output: "table" });
    await listSessions(table.ctx, { channel: "live-sessions" });
    expect(table.io.out().split("\n")[0]).toMatch(/^STREAM ID\s+START\s+END\s+ERRORS$/);
    expect(table.io.out()).toContain("(live)");
  });
});
