/**
 * IVS streams and stream sessions in the emulator: the read side of src/local/streams.ts (the
 * ingest listener writes), plus StopStream, which drops the publisher and ends the session.
 */
import { ServiceError, notFound } from "./errors.ts";
import { getChannel, KIND } from "./ivs.ts";
import { paginate } from "./ids.ts";
import type { EmulatedService, RequestContext } from "./service.ts";
import { endStream, SESSION_KIND, type IngestStats, type StreamDoc, type StreamSessionDoc } from "./streams.ts";

const notBroadcasting = () => new ServiceError("ChannelNotBroadcasting", "Channel is not broadcasting", 404);

function liveStream(ctx: RequestContext, channelArn: string): StreamDoc {
  getChannel(ctx, channelArn);
  const stream = ctx.store.get<StreamDoc>(KIND.stream, channelArn);
  if (stream?.state !== "LIVE") throw notBroadcasting();
  return stream;
}

function sessionsOf(ctx: RequestContext, channelArn: string): StreamSessionDoc[] {
  // Newest first, as AWS lists them.
  return ctx.store
    .list<StreamSessionDoc>(SESSION_KIND)
    .filter((s) => s.channelArn === channelArn)
    .reverse();
}

/** What the listener saw -> the API's IngestConfiguration shape. */
export function ingestConfiguration(ingest: IngestStats) {
  const v = ingest.video ?? {};
  const a = ingest.audio ?? {};
  return {
    video: {
      codec: v.codec,
      encoder: v.encoder,
      targetBitrate: v.bitrateBps,
      targetFramerate: v.framerate,
      videoWidth: v.width,
      videoHeight: v.height,
    },
    audio: { codec: a.codec, targetBitrate: a.bitrateBps, sampleRate: a.sampleRate, channels: a.channels },
  };
}

export const ivsStreamsService: EmulatedService = {
  name: "ivs",
  protocol: "rest-json",
  operations: {
    GetStream: (input, ctx) => ({ stream: liveStream(ctx, input.channelArn) }),
    ListStreams: (input, ctx) => {
      let streams = ctx.store.list<StreamDoc>(KIND.stream).filter((s) => s.state === "LIVE");
      const health = input.filterBy?.health;
      if (health) streams = streams.filter((s) => s.health === health);
      const { page, nextToken } = paginate(streams, input.nextToken, input.maxResults);
      return {
        streams: page.map(({ channelArn, streamId, state, health: h, viewerCount, startTime }) => ({ channelArn, streamId, state, health: h, viewerCount, startTime })),
        nextToken,
      };
    },
    StopStream: (input, ctx) => {
      liveStream(ctx, input.channelArn);
      ctx.world.disconnectPublisher?.(input.channelArn);
      endStream(ctx.store, input.channelArn, ctx.now(), "Session Ended");
      return {};
    },
    GetStreamSession: (input, ctx) => {
      const channel = getChannel(ctx, input.channelArn);
      const sessions = sessionsOf(ctx, channel.arn);
      const s = input.streamId ? sessions.find((x) => x.streamId === input.streamId) : sessions[0];
      if (!s) throw notFound(input.streamId ? `Stream session not found: ${input.streamId}` : `Channel ${channel.arn} has no stream sessions`);
      const recordingConfiguration = channel.recordingConfigurationArn ? ctx.store.get(KIND.recordingConfiguration, channel.recordingConfigurationArn) : undefined;
      return {
        streamSession: {
          streamId: s.streamId,
          startTime: s.startTime,
          endTime: s.endTime,
          channel,
          ingestConfiguration: ingestConfiguration(s.ingest),
          recordingConfiguration,
          truncatedEvents: s.events.slice(-500),
        },
      };
    },
    ListStreamSessions: (input, ctx) => {
      getChannel(ctx, input.channelArn);
      const { page, nextToken } = paginate(sessionsOf(ctx, input.channelArn), input.nextToken, input.maxResults);
      return {
        streamSessions: page.map((s) => ({
          streamId: s.streamId,
          startTime: s.startTime,
          endTime: s.endTime,
          hasErrorEvent: s.events.some((e) => /error|failure/i.test(e.name)),
        })),
        nextToken,
      };
    },
  },
};
