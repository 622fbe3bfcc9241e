/**
 * Amazon IVS real-time in the emulator: RTMP(S) ingest configurations of stages. The stages
 * themselves live in src/local/ivs-realtime.ts (store kind "ivs-realtime:stage"); publishing with
 * a configuration's stream key goes through the RTMPS listener (src/local/rtmp/listener.ts).
 */
import { conflict, notFound, validation } from "./errors.ts";
import { arnFor, paginate, randomId } from "./ids.ts";
import type { EmulatedService, RequestContext } from "./service.ts";

export const INGEST_CONFIG_KIND = "ivs-realtime:ingest-configuration";
export const STAGE_KIND = "ivs-realtime:stage";

export interface IngestConfigurationDoc {
  arn: string;
  name: string;
  stageArn: string;
  participantId: string;
  ingestProtocol: "RTMP" | "RTMPS";
  streamKey: string;
  userId: string;
  attributes: Record<string, string>;
  state: "ACTIVE" | "INACTIVE";
  tags: Record<string, string>;
}

function requireStage(ctx: RequestContext, stageArn: string | undefined): void {
  if (stageArn && !ctx.store.get(STAGE_KIND, stageArn)) throw notFound(`Stage not found: ${stageArn}`);
}

function getConfig(ctx: RequestContext, arn: string): IngestConfigurationDoc {
  const doc = ctx.store.get<IngestConfigurationDoc>(INGEST_CONFIG_KIND, arn);
  if (!doc) throw notFound(`Ingest configuration not found: ${arn}`);
  return doc;
}

function summary(c: IngestConfigurationDoc) {
  const { arn, name, stageArn, participantId, ingestProtocol, userId, state } = c;
  return { arn, name, stageArn, participantId, ingestProtocol, userId, state };
}

function createIngestConfiguration(input: any, ctx: RequestContext) {
  requireStage(ctx, input.stageArn);
  const attributes: Record<string, string> = input.attributes ?? {};
  if (Buffer.byteLength(JSON.stringify(attributes), "utf8") > 1024) throw validation("attributes exceed 1 KB in total");
  const id = randomId();
  const doc: IngestConfigurationDoc = {
    arn: arnFor("ivs", ctx.region, "ingest-configuration", id),
    name: input.name ?? "",
    stageArn: input.stageArn ?? "",
    participantId: randomId(),
    ingestProtocol: input.ingestProtocol,
    // rt_<account>_<region>_<id>_<secret>: the real-time API reference's IngestConfiguration.streamKey
    // pattern `rt_[0-9]+_[a-z0-9-]+_[a-zA-Z0-9-]+_.+`; its AWS CLI example uses the configuration's
    // ARN id ("rt_123456789012_us-west-2_AbCdEfGh1234_abcd1234efgh5678ijkl9012MNOP34").
    streamKey: `rt_${ctx.account}_${ctx.region}_${id}_${randomId(30)}`,
    userId: input.userId ?? "",
    attributes,
    state: "INACTIVE",
    tags: input.tags ?? {},
  };
  ctx.store.put(INGEST_CONFIG_KIND, doc.arn, doc);
  return { ingestConfiguration: doc };
}

function listIngestConfigurations(input: any, ctx: RequestContext) {
  let items = ctx.store.list<IngestConfigurationDoc>(INGEST_CONFIG_KIND);
  if (input.filterByStageArn) items = items.filter((c) => c.stageArn === input.filterByStageArn);
  if (input.filterByState) items = items.filter((c) => c.state === input.filterByState);
  const { page, nextToken } = paginate(items, input.nextToken, input.maxResults, 50);
  return { ingestConfigurations: page.map(summary), nextToken };
}

function updateIngestConfiguration(input: any, ctx: RequestContext) {
  const doc = getConfig(ctx, input.arn);
  if (doc.state === "ACTIVE") throw conflict("Ingest configuration is active; stop the publisher first");
  requireStage(ctx, input.stageArn);
  const next = { ...doc, stageArn: input.stageArn ?? "" };
  ctx.store.put(INGEST_CONFIG_KIND, next.arn, next);
  return { ingestConfiguration: next };
}

function deleteIngestConfiguration(input: any, ctx: RequestContext) {
  const doc = getConfig(ctx, input.arn);
  if (doc.state === "ACTIVE") {
    if (!input.force) throw conflict("Ingest configuration is active; pass force to disconnect the publisher and delete it");
    ctx.world.disconnectPublisher?.(doc.arn);
  }
  ctx.store.delete(INGEST_CONFIG_KIND, doc.arn);
  return {};
}

export const ivsRealtimeIngestService: EmulatedService = {
  name: "ivs-realtime",
  protocol: "rest-json",
  operations: {
    CreateIngestConfiguration: createIngestConfiguration,
    GetIngestConfiguration: (input, ctx) => ({ ingestConfiguration: getConfig(ctx, input.arn) }),
    ListIngestConfigurations: listIngestConfigurations,
    UpdateIngestConfiguration: updateIngestConfiguration,
    DeleteIngestConfiguration: deleteIngestConfiguration,
  },
};
