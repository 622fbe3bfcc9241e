/**
 * IVS stream keys in the emulator. AWS allows one stream key per channel (CreateChannel makes it),
 * so CreateStreamKey on a channel that has one is ServiceQuotaExceededException: reset a key by
 * DeleteStreamKey, then CreateStreamKey.
 */
import { getChannel, KIND, newStreamKey, type StreamKeyDoc } from "./ivs.ts";
import { notFound, quotaExceeded } from "./errors.ts";
import { paginate } from "./ids.ts";
import type { EmulatedService, RequestContext } from "./service.ts";

export const STREAM_KEYS_PER_CHANNEL = 1;

function keysOf(ctx: RequestContext, channelArn: string): StreamKeyDoc[] {
  return ctx.store.list<StreamKeyDoc>(KIND.streamKey).filter((k) => k.channelArn === channelArn);
}

function getKey(ctx: RequestContext, arn: string): StreamKeyDoc {
  const key = ctx.store.get<StreamKeyDoc>(KIND.streamKey, arn);
  if (!key) throw notFound(`Stream key not found: ${arn}`);
  return key;
}

export const ivsStreamKeysService: EmulatedService = {
  name: "ivs",
  protocol: "rest-json",
  operations: {
    CreateStreamKey: (input, ctx) => {
      const channel = getChannel(ctx, input.channelArn);
      if (keysOf(ctx, channel.arn).length >= STREAM_KEYS_PER_CHANNEL) {
        throw quotaExceeded(`Channel ${channel.arn} already has a stream key (limit ${STREAM_KEYS_PER_CHANNEL} per channel); delete it first`);
      }
      return { streamKey: newStreamKey(ctx, channel.arn, input.tags ?? {}) };
    },
    GetStreamKey: (input, ctx) => ({ streamKey: getKey(ctx, input.arn) }),
    BatchGetStreamKey: (input, ctx) => {
      const streamKeys: StreamKeyDoc[] = [];
      const errors: { arn: string; code: string; message: string }[] = [];
      for (const arn of input.arns as string[]) {
        const key = ctx.store.get<StreamKeyDoc>(KIND.streamKey, arn);
        if (key) streamKeys.push(key);
        else errors.push({ arn, code: "ResourceNotFoundException", message: `Stream key not found: ${arn}` });
      }
      return { streamKeys, errors };
    },
    ListStreamKeys: (input, ctx) => {
      getChannel(ctx, input.channelArn);
      const { page, nextToken } = paginate(keysOf(ctx, input.channelArn), input.nextToken, input.maxResults, 1);
      // Summaries carry no key value, as in AWS.
      return { streamKeys: page.map(({ arn, channelArn, tags }) => ({ arn, channelArn, tags })), nextToken };
    },
    DeleteStreamKey: (input, ctx) => {
      getKey(ctx, input.arn);
      ctx.store.delete(KIND.streamKey, input.arn);
      return undefined;
    },
  },
};
