/**
 * IVS PutMetadata in the emulator: at most 1 KB (UTF-8 bytes), 5 calls per second per channel and
 * 155 per account (ThrottlingException, 429, beyond), ChannelNotBroadcasting (404) when offline.
 * Every delivery is recorded with its time, readable through GET /_ivsctl/metadata?channelArn=…
 */
import { getChannel, isLive, KIND } from "./ivs.ts";
import { ServiceError, validation } from "./errors.ts";
import type { EmulatedService, RequestContext } from "./service.ts";
import type { Store } from "./store.ts";
import type { StreamDoc } from "./streams.ts";

export const METADATA_KIND = "ivs:metadata-delivery";
export const MAX_METADATA_BYTES = 1024;
export const CHANNEL_TPS = 5;
export const ACCOUNT_TPS = 155;

export interface MetadataDelivery {
  seq: number;
  channelArn: string;
  streamId: string;
  metadata: string;
  receivedAt: string;
}

/** A token bucket: `rate` tokens a second, holding at most `rate` (a one-second burst). */
class Bucket {
  private tokens: number;
  private last: number;
  constructor(private readonly rate: number) {
    this.tokens = rate;
    this.last = performance.now();
  }
  take(): boolean {
    const t = performance.now();
    this.tokens = Math.min(this.rate, this.tokens + ((t - this.last) / 1000) * this.rate);
    this.last = t;
    if (this.tokens < 1) return false;
    this.tokens -= 1;
    return true;
  }
}

const THROTTLE_KIND = "ivs:metadata-throttles";
function countThrottle(store: Store, channelArn: string): void {
  store.put(THROTTLE_KIND, channelArn, { count: (store.get<{ count: number }>(THROTTLE_KIND, channelArn)?.count ?? 0) + 1 });
}

const channelBuckets = new Map<string, Bucket>();
const accountBuckets = new WeakMap<Store, Bucket>();

function putMetadata(input: any, ctx: RequestContext) {
  const channel = getChannel(ctx, input.channelArn);
  const metadata = String(input.metadata ?? "");
  const bytes = Buffer.byteLength(metadata, "utf8");
  if (bytes < 1) throw validation("metadata must not be empty");
  if (bytes > MAX_METADATA_BYTES) throw validation(`metadata is ${bytes} bytes; the limit is ${MAX_METADATA_BYTES} bytes`);
  let account = accountBuckets.get(ctx.store);
  if (!account) accountBuckets.set(ctx.store, (account = new Bucket(ACCOUNT_TPS)));
  let bucket = channelBuckets.get(channel.arn);
  if (!bucket) channelBuckets.set(channel.arn, (bucket = new Bucket(CHANNEL_TPS)));
  if (!bucket.take()) {
    countThrottle(ctx.store, channel.arn);
    throw new ServiceError("ThrottlingException", `PutMetadata is limited to ${CHANNEL_TPS} calls per second per channel`, 429);
  }
  if (!account.take()) {
    countThrottle(ctx.store, channel.arn);
    throw new ServiceError("ThrottlingException", `PutMetadata is limited to ${ACCOUNT_TPS} calls per second per account`, 429);
  }
  if (!isLive(ctx.store, channel.arn)) throw new ServiceError("ChannelNotBroadcasting", "Channel is not broadcasting", 404);
  const stream = ctx.store.get<StreamDoc>(KIND.stream, channel.arn)!;
  const seq = ctx.store.next("metadata-delivery");
  ctx.store.put<MetadataDelivery>(METADATA_KIND, String(seq).padStart(12, "0"), {
    seq,
    channelArn: channel.arn,
    streamId: stream.streamId,
    metadata,
    receivedAt: ctx.now().toISOString(),
  });
  return undefined; // 204
}

/** GET /_ivsctl/metadata?channelArn=…: what was delivered (in order) and how many calls were throttled. */
export function metadataInspection(store: Store, url: URL): Response {
  const channelArn = url.searchParams.get("channelArn") ?? undefined;
  const deliveries = store.list<MetadataDelivery>(METADATA_KIND).filter((d) => !channelArn || d.channelArn === channelArn);
  const throttled = channelArn ? (store.get<{ count: number }>(THROTTLE_KIND, channelArn)?.count ?? 0) : undefined;
  return Response.json({ channelArn, deliveries, throttled });
}

export const ivsMetadataService: EmulatedService = {
  name: "ivs",
  protocol: "rest-json",
  operations: { PutMetadata: putMetadata },
};
