/**
 * IVS recording configurations in the emulator. CreateRecordingConfiguration answers state
 * CREATING; the next read (Get or List) settles it to ACTIVE. The emulator has no S3: a bucket
 * whose name contains "create-failed" settles to CREATE_FAILED instead, standing for a bucket
 * that is missing, in another region, or not writable by IVS (AWS gives no reason either).
 */
import { conflict, notFound, validation } from "./errors.ts";
import { KIND, type ChannelDoc } from "./ivs.ts";
import { arnFor, paginate, randomId } from "./ids.ts";
import { bucketNameViolation } from "./s3-bucket-name.ts";
import type { EmulatedService, RequestContext } from "./service.ts";

export const CREATE_FAILED_MARKER = "create-failed";

export interface RecordingConfigurationDoc {
  arn: string;
  name: string;
  destinationConfiguration: { s3: { bucketName: string } };
  state: "CREATING" | "CREATE_FAILED" | "ACTIVE";
  tags: Record<string, string>;
  thumbnailConfiguration: { recordingMode: string; targetIntervalSeconds?: number; resolution?: string; storage?: string[] };
  recordingReconnectWindowSeconds: number;
  renditionConfiguration: { renditionSelection: string; renditions?: string[] };
}

/** CREATING -> ACTIVE (or CREATE_FAILED) on the first read after creation. */
function settle(ctx: RequestContext, doc: RecordingConfigurationDoc): RecordingConfigurationDoc {
  if (doc.state !== "CREATING") return doc;
  const state = doc.destinationConfiguration.s3.bucketName.includes(CREATE_FAILED_MARKER) ? "CREATE_FAILED" : "ACTIVE";
  return ctx.store.put(KIND.recordingConfiguration, doc.arn, { ...doc, state });
}

function getConfig(ctx: RequestContext, arn: string): RecordingConfigurationDoc {
  const doc = ctx.store.get<RecordingConfigurationDoc>(KIND.recordingConfiguration, arn);
  if (!doc) throw notFound(`Recording configuration not found: ${arn}`);
  return doc;
}

function create(input: any, ctx: RequestContext) {
  const bucketName: string = input.destinationConfiguration?.s3?.bucketName ?? "";
  if (!input.destinationConfiguration?.s3) throw validation("destinationConfiguration.s3 is required");
  const violation = bucketNameViolation(bucketName);
  if (violation) throw validation(`Invalid S3 bucket name "${bucketName}": ${violation}`);
  const thumb = input.thumbnailConfiguration ?? {};
  const mode = thumb.recordingMode ?? "INTERVAL";
  if (mode === "DISABLED" && thumb.targetIntervalSeconds !== undefined) {
    throw validation("targetIntervalSeconds applies only when recordingMode is INTERVAL");
  }
  const rendition = input.renditionConfiguration ?? {};
  const selection = rendition.renditionSelection ?? "ALL";
  if (selection === "CUSTOM" && !(rendition.renditions?.length > 0)) throw validation("renditions are required when renditionSelection is CUSTOM");
  if (selection !== "CUSTOM" && rendition.renditions?.length > 0) throw validation("renditions apply only when renditionSelection is CUSTOM");
  const doc: RecordingConfigurationDoc = {
    arn: arnFor("ivs", ctx.region, "recording-configuration", randomId()),
    name: input.name ?? "",
    destinationConfiguration: { s3: { bucketName } },
    state: "CREATING",
    tags: input.tags ?? {},
    thumbnailConfiguration:
      mode === "DISABLED"
        ? { recordingMode: "DISABLED" }
        : {
            recordingMode: "INTERVAL",
            targetIntervalSeconds: thumb.targetIntervalSeconds ?? 60,
            resolution: thumb.resolution,
            storage: thumb.storage ?? ["SEQUENTIAL"],
          },
    recordingReconnectWindowSeconds: input.recordingReconnectWindowSeconds ?? 0,
    renditionConfiguration: selection === "CUSTOM" ? { renditionSelection: "CUSTOM", renditions: rendition.renditions } : { renditionSelection: selection },
  };
  ctx.store.put(KIND.recordingConfiguration, doc.arn, doc);
  return { recordingConfiguration: doc };
}

export const ivsRecordingService: EmulatedService = {
  name: "ivs",
  protocol: "rest-json",
  operations: {
    CreateRecordingConfiguration: create,
    GetRecordingConfiguration: (input, ctx) => ({ recordingConfiguration: settle(ctx, getConfig(ctx, input.arn)) }),
    ListRecordingConfigurations: (input, ctx) => {
      const all = ctx.store.list<RecordingConfigurationDoc>(KIND.recordingConfiguration).map((d) => settle(ctx, d));
      const { page, nextToken } = paginate(all, input.nextToken, input.maxResults);
      return {
        recordingConfigurations: page.map(({ arn, name, destinationConfiguration, state, tags }) => ({ arn, name, destinationConfiguration, state, tags })),
        nextToken,
      };
    },
    DeleteRecordingConfiguration: (input, ctx) => {
      const doc = getConfig(ctx, input.arn);
      const users = ctx.store.list<ChannelDoc>(KIND.channel).filter((c) => c.recordingConfigurationArn === doc.arn);
      if (users.length) throw conflict(`Recording configuration is used by ${users.length} channel(s) (${users.map((c) => c.arn).join(", ")}); remove it from them first`);
      ctx.store.delete(KIND.recordingConfiguration, doc.arn);
      return undefined;
    },
  },
};
