import type { Store } from "./store.ts";

/** What every emulated operation gets: the state, the caller's region, the clock, the local world. */
export interface RequestContext {
  store: Store;
  region: string;
  account: string;
  now: () => Date;
  world: LocalWorld;
}

/** Facts about this emulator instance that resources expose (e.g. where ingest goes). */
export interface LocalWorld {
  /** host:port of the emulator's HTTP endpoint. */
  httpHost: string;
  /** host:port that channels give as ingestEndpoint (the local RTMPS listener). */
  ingestHost: string;
  /** Set by the ingest listener: drop the publisher of this channel (StopStream). */
  disconnectPublisher?: (channelArn: string) => void;
}

export type Operation = (input: any, ctx: RequestContext) => unknown | Promise<unknown>;

export interface EmulatedService {
  /** botocore's service directory name, used to find its model. */
  name: "ivs" | "ivs-realtime" | "ecs" | "cloudformation" | "secretsmanager" | "ssm";
  protocol: "rest-json" | "json" | "query";
  operations: Record<string, Operation>;
}
