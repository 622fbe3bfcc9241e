/** Recording configurations (S3). Cannot be updated: delete and create. */
import {
  CreateRecordingConfigurationCommand,
  DeleteRecordingConfigurationCommand,
  GetRecordingConfigurationCommand,
  paginateListRecordingConfigurations,
  type IvsClient,
  type RecordingConfiguration,
  type RecordingConfigurationSummary,
  GetChannelCommand,
} from "@aws-sdk/client-ivs";
import { parseResourceRef, resolveArn } from "../aws/resolve.ts";
import type { Context } from "../cli/context.ts";
import { deleteResource, deleteUnlessGone } from "../cli/delete.ts";
import { printDryRun } from "../cli/dry-run.ts";
import { pollUntil } from "../cli/wait.ts";
import { CliError, doing, notFoundError, stateError, toCliError, usageError } from "../cli/errors.ts";
import type { HumanView } from "../cli/output.ts";
import { checkRecordingOptions, toRecordingRequest, type RecordingOptions } from "./recording-options.ts";
import { collect } from "../aws/paginate.ts";
import { roleString } from "../stack/roles.ts";
import { resolveChannelArn } from "./channels.ts";
import { channelRef } from "./target.ts";
import { arnId } from "../contract/arn.ts";

const RESOURCE = "recording-configuration";
/** How long --wait waits for ACTIVE, and how often it looks. */
export const WAIT_TIMEOUT_MS = 5 * 60_000;
const POLL_MS = 2_000;

function recordingView(r: RecordingConfiguration): HumanView {
  const t = r.thumbnailConfiguration;
  const rc = r.renditionConfiguration;
  const fields: [string, string | number | undefined][] = [
    ["Name", r.name],
    ["ARN", r.arn],
    ["State", r.state],
    ["Bucket", r.destinationConfiguration?.s3?.bucketName],
    ["Renditions", rc ? (rc.renditionSelection === "CUSTOM" ? rc.renditions?.join(",") : rc.renditionSelection) : undefined],
    [
      "Thumbnails",
      t ? (t.recordingMode === "DISABLED" ? "off" : `every ${t.targetIntervalSeconds}s${t.resolution ? ` at ${t.resolution}` : ""}${t.storage?.length ? ` (${t.storage.join(",")})` : ""}`) : undefined,
    ],
    ["Reconnect window", r.recordingReconnectWindowSeconds !== undefined ? `${r.recordingReconnectWindowSeconds}s` : undefined],
  ];
  const tags = Object.entries(r.tags ?? {});
  if (tags.length) fields.push(["Tags", tags.map(([a, b]) => `${a}=${b}`).join(", ")]);
  return { kind: "record", fields };
}

function createFailed(r: RecordingConfiguration): CliError {
  return stateError(
    `recording configuration ${r.arn} is CREATE_FAILED: IVS could not use bucket "${r.destinationConfiguration?.s3?.bucketName}"`,
    "CreateFailed",
    "the bucket must exist, be in the same region as IVS, and not block IVS's writes; delete this configuration and create another",
  );
}

async function waitActive(ctx: Context, ivs: IvsClient, arn: string): Promise<RecordingConfiguration> {
  return pollUntil(
    async () => {
      const { recordingConfiguration: r } = await ivs.send(new GetRecordingConfigurationCommand({ arn }));
      if (r?.state === "CREATE_FAILED") throw createFailed(r);
      return r!;
    },
    (r) => r.state === "ACTIVE",
    {
      what: `recording configuration ${arn} to become ACTIVE`,
      timeoutMs: WAIT_TIMEOUT_MS,
      intervalMs: POLL_MS,
      now: ctx.now,
      describe: (r) => `still ${r.state}`,
      onPoll: (r) => ctx.log.info(`waiting for ${arn} to become ACTIVE (now ${r.state})`),
    },
  );
}

export async function createRecording(ctx: Context, o: RecordingOptions): Promise<void> {
  checkRecordingOptions(o);
  const request = toRecordingRequest(o);
  if (ctx.globals.dryRun) return printDryRun(ctx, "CreateRecordingConfiguration", request);
  const ivs = await ctx.aws.ivs();
  let r: RecordingConfiguration;
  try {
    r = (await ivs.send(new CreateRecordingConfigurationCommand(request as any))).recordingConfiguration!;
    if (o.wait && r.state !== "ACTIVE") r = await waitActive(ctx, ivs, r.arn!);
    else if (r.state === "CREATE_FAILED") throw createFailed(r);
  } catch (e) {
    throw toCliError(e, "creating recording configuration");
  }
  ctx.log.success(`created recording configuration ${r.name || r.arn} (${r.state})`);
  ctx.out.result({ recordingConfiguration: r }, recordingView(r));
}

/**
 * With --stack and no argument: the stack's recording configuration, or else the one its channel
 * records with.
 */
async function stackRecording(ctx: Context, ivs: IvsClient): Promise<string> {
  if (!ctx.globals.stack) throw usageError("missing required argument <recording>", "name the recording configuration, or pass --stack NAME");
  const { stackResolver } = await import("../stack/resolve.ts");
  const resolver = stackResolver(ctx, {});
  const own = await resolver.role("recordingConfiguration");
  if (own.value !== undefined) return roleString(own.value);
  const channelArn = await doing("finding the stack's channel", async () => resolveChannelArn(ivs, await channelRef(ctx, undefined)));
  const { channel } = await doing(`getting channel ${channelArn}`, () => ivs.send(new GetChannelCommand({ arn: channelArn })));
  if (!channel?.recordingConfigurationArn) throw notFoundError(`channel ${channelArn} of stack ${ctx.globals.stack} records nowhere (no recording configuration)`);
  return channel.recordingConfigurationArn;
}

const listAll = (ivs: IvsClient): Promise<RecordingConfigurationSummary[]> =>
  collect(paginateListRecordingConfigurations({ client: ivs }, {}), (p) => p.recordingConfigurations, "listing recording configurations");

export async function resolveRecordingArn(ivs: IvsClient, ref: string): Promise<string> {
  return resolveArn(parseResourceRef(ref, RESOURCE), RESOURCE, async function* () {
    yield* await listAll(ivs);
  });
}

export async function listRecordings(ctx: Context): Promise<void> {
  const ivs = await ctx.aws.ivs();
  let recordingConfigurations: RecordingConfigurationSummary[];
  try {
    recordingConfigurations = await listAll(ivs);
  } catch (e) {
    throw toCliError(e, "listing recording configurations");
  }
  ctx.out.result(
    { recordingConfigurations },
    {
      kind: "table",
      columns: ["name", "id", "state", "bucket"],
      rows: recordingConfigurations.map((r) => [r.name, arnId(r.arn), r.state, r.destinationConfiguration?.s3?.bucketName]),
    },
  );
}

export async function getRecording(ctx: Context, given: string | undefined): Promise<void> {
  if (given !== undefined) parseResourceRef(given, RESOURCE);
  const ivs = await ctx.aws.ivs();
  const ref = given ?? (await stackRecording(ctx, ivs));
  try {
    const arn = await resolveRecordingArn(ivs, ref);
    const { recordingConfiguration } = await ivs.send(new GetRecordingConfigurationCommand({ arn }));
    ctx.out.result({ recordingConfiguration }, recordingView(recordingConfiguration!));
  } catch (e) {
    throw toCliError(e, `getting recording configuration ${ref}`);
  }
}

export async function deleteRecording(ctx: Context, o: { recording: string; ifExists?: boolean }): Promise<void> {
  if (o.ifExists) {
    const ivs = await ctx.aws.ivs();
    const lookup = async () => ivs.send(new GetRecordingConfigurationCommand({ arn: await resolveRecordingArn(ivs, o.recording) }));
    return deleteUnlessGone(ctx, o.recording, "recording configuration", lookup, () => deleteRecording(ctx, { ...o, ifExists: false }));
  }
  parseResourceRef(o.recording, RESOURCE);
  const ivs = await ctx.aws.ivs();
  await deleteResource(ctx, {
    noun: "recording configuration",
    ref: o.recording,
    resolve: () => resolveRecordingArn(ivs, o.recording),
    operation: "DeleteRecordingConfiguration",
    send: (arn) => ivs.send(new DeleteRecordingConfigurationCommand({ arn })),
  });
}
