/**
 * Request-rate quotas of the two IVS APIs, as the emulator enforces them: over the rate, a call is
 * answered ThrottlingException (429), as IVS does. The rates are the "API Call Rate Quotas" tables
 * (not adjustable) of:
 * - IVS Low-Latency Streaming User Guide, Service Quotas:
 *   https://docs.aws.amazon.com/ivs/latest/LowLatencyUserGuide/service-quotas.html
 * - IVS Real-Time Streaming User Guide, Service Quotas:
 *   https://docs.aws.amazon.com/ivs/latest/RealTimeUserGuide/service-quotas.html
 * Quotas are per account and region. PutMetadata's (5 per channel, 155 per account) is enforced by
 * ivs-metadata.ts, which also records throttled calls.
 *
 * AWS documents a rate, not a burst: the emulator uses a token bucket whose burst equals the rate
 * (a full second's worth), starting full. IVSCTL_LOCAL_RATE_LIMITS=off turns the table off.
 */
import { ServiceError } from "./errors.ts";

/** Operations per second, by API and operation. An operation not listed here is not limited. */
export const RATE_QUOTAS: Record<"ivs" | "ivs-realtime", Record<string, number>> = {
  ivs: {
    // Channel
    BatchGetChannel: 5,
    CreateChannel: 5,
    DeleteChannel: 5,
    GetChannel: 5,
    ListChannels: 5,
    UpdateChannel: 5,
    // Playback restriction policy
    CreatePlaybackRestrictionPolicy: 5,
    DeletePlaybackRestrictionPolicy: 5,
    GetPlaybackRestrictionPolicy: 5,
    ListPlaybackRestrictionPolicies: 5,
    UpdatePlaybackRestrictionPolicy: 5,
    // Private channel (playback key pairs, viewer-session revocation)
    DeletePlaybackKeyPair: 3,
    GetPlaybackKeyPair: 3,
    ImportPlaybackKeyPair: 3,
    ListPlaybackKeyPairs: 3,
    BatchStartViewerSessionRevocation: 2,
    // Recording configuration
    CreateRecordingConfiguration: 3,
    DeleteRecordingConfiguration: 3,
    GetRecordingConfiguration: 3,
    ListRecordingConfigurations: 3,
    // Stream
    GetStream: 5,
    GetStreamSession: 5,
    ListStreams: 5,
    ListStreamSessions: 5,
    StopStream: 5,
    // Tags: 10 TPS on the Real-Time page; the Low-Latency page's tag rows could not be read here,
    // and are taken to be the same.
    ListTagsForResource: 10,
    TagResource: 10,
    UntagResource: 10,
    // Not limited here because their rows could not be confirmed: the stream-key operations
    // (BatchGetStreamKey, CreateStreamKey, DeleteStreamKey, GetStreamKey, ListStreamKeys),
    // StartViewerSessionRevocation and the ad operations.
  },
  "ivs-realtime": {
    // Composition
    GetComposition: 5,
    ListCompositions: 5,
    StartComposition: 5,
    StopComposition: 5,
    // IngestConfiguration
    CreateIngestConfiguration: 5,
    DeleteIngestConfiguration: 5,
    GetIngestConfiguration: 5,
    ListIngestConfigurations: 5,
    UpdateIngestConfiguration: 5,
    // MediaEncoder
    CreateEncoderConfiguration: 5,
    DeleteEncoderConfiguration: 5,
    GetEncoderConfiguration: 5,
    ListEncoderConfigurations: 5,
    // PublicKey
    DeletePublicKey: 3,
    GetPublicKey: 3,
    ImportPublicKey: 3,
    ListPublicKeys: 3,
    // Stage
    CreateParticipantToken: 50,
    CreateStage: 5,
    DeleteStage: 5,
    DisconnectParticipant: 5,
    GetParticipant: 5,
    GetStage: 5,
    GetStageSession: 5,
    ListStages: 5,
    UpdateStage: 5,
    ListParticipants: 5,
    ListParticipantEvents: 5,
    ListStageSessions: 5,
    // StorageConfiguration
    CreateStorageConfiguration: 5,
    DeleteStorageConfiguration: 5,
    GetStorageConfiguration: 5,
    ListStorageConfigurations: 5,
    // Tags
    ListTagsForResource: 10,
    TagResource: 10,
    UntagResource: 10,
  },
};

/** `rate` tokens a second, holding at most `rate` (the burst AWS does not document: one second's worth). */
export class TokenBucket {
  private tokens: number;
  private last: number;

  constructor(
    readonly rate: number,
    now: number,
  ) {
    this.tokens = rate;
    this.last = now;
  }

  /** Take one token at epoch ms `now`; false when the bucket is empty. */
  take(now: number): boolean {
    this.tokens = Math.min(this.rate, this.tokens + (Math.max(0, now - this.last) / 1000) * this.rate);
    this.last = Math.max(this.last, now);
    if (this.tokens < 1) return false;
    this.tokens -= 1;
    return true;
  }
}

/** Whether the quotas apply: IVSCTL_LOCAL_RATE_LIMITS "on" (or unset) or "off"; anything else is an error. */
export function rateLimitsEnabled(value: string | undefined): boolean {
  if (value === undefined || value === "" || value === "on") return true;
  if (value === "off") return false;
  throw new Error(`IVSCTL_LOCAL_RATE_LIMITS must be "on" or "off" (got ${JSON.stringify(value)})`);
}

export class RateLimiter {
  private readonly buckets = new Map<string, TokenBucket>();

  constructor(private readonly quotas: Record<string, Record<string, number>> = RATE_QUOTAS) {}

  /** Count a call at epoch ms `now`; throws ThrottlingException (429) when it is over its rate. */
  admit(service: string, operation: string, region: string, now: number): void {
    const rate = this.quotas[service]?.[operation];
    if (rate === undefined) return;
    const key = `${region}|${service}|${operation}`;
    let bucket = this.buckets.get(key);
    if (!bucket) this.buckets.set(key, (bucket = new TokenBucket(rate, now)));
    if (!bucket.take(now)) throw new ServiceError("ThrottlingException", `Rate exceeded: ${operation} is limited to ${rate} requests per second per account`, 429);
  }
}
