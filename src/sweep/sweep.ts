/**
 * `ivsctl sweep --tag k=v`: delete everything carrying a tag, e.g. what an interrupted
 * end-to-end run against a real account left behind. Order matters: stages (and their ingest
 * configurations) first, then channels (their streams stopped, stream keys going with them),
 * then what channels referenced (recording configurations), then keys.
 */
import { paginateListChannels, paginateListPlaybackKeyPairs, paginateListRecordingConfigurations, DeleteChannelCommand, DeletePlaybackKeyPairCommand, DeleteRecordingConfigurationCommand, GetStreamCommand, StopStreamCommand } from "@aws-sdk/client-ivs";
import { paginateListStages, paginateListPublicKeys, paginateListIngestConfigurations, DeleteStageCommand, DeletePublicKeyCommand, DeleteIngestConfigurationCommand } from "@aws-sdk/client-ivs-realtime";
import { confirmOrRefuse, type Context } from "../cli/context.ts";
import { CliError, toCliError, usageError } from "../cli/errors.ts";
import { pollUntil } from "../cli/wait.ts";
import { paceAttempts, SlidingWindow } from "../aws/pacing.ts";

export interface SweepOptions {
  tags: Record<string, string>;
}

interface Found {
  type: string;
  arn: string;
  name?: string;
  remove: () => Promise<unknown>;
}

/**
 * The documented request rates of what a sweep sends (IVS Low-Latency and Real-Time user guides,
 * "Service Quotas": not adjustable, no burst documented). A sweep of many resources paces every
 * attempt, retries included, under them instead of leaning on throttling.
 */
const SWEEP_TPS: Record<string, number> = {
  DeleteIngestConfigurationCommand: 5,
  DeleteStageCommand: 5,
  StopStreamCommand: 5,
  GetStreamCommand: 5,
  DeleteChannelCommand: 5,
  DeleteRecordingConfigurationCommand: 3,
  DeletePlaybackKeyPairCommand: 3,
  DeletePublicKeyCommand: 3,
};

/** Paces each operation a client sends during the sweep; returns the function that stops pacing. */
function paceSweep(clients: object[]): () => void {
  const windows = Object.fromEntries(Object.entries(SWEEP_TPS).map(([command, tps]) => [command, new SlidingWindow(tps)]));
  const undo = clients.flatMap((client) => Object.entries(windows).map(([command, w]) => paceAttempts(client as Parameters<typeof paceAttempts>[0], command, () => [w])));
  return () => undo.forEach((u) => u());
}

const matches = (tags: Record<string, string> | undefined, want: Record<string, string>) => Object.entries(want).every(([k, v]) => tags?.[k] === v);

export async function sweep(ctx: Context, o: SweepOptions): Promise<void> {
  if (Object.keys(o.tags).length === 0) throw usageError("give at least one --tag k=v: sweep never deletes untagged resources");
  const ivs = await ctx.aws.ivs();
  const rt = await ctx.aws.realtime();
  const found: Found[] = [];
  try {
    for await (const page of paginateListStages({ client: rt }, {})) {
      for (const s of page.stages ?? []) {
        if (!matches(s.tags, o.tags)) continue;
        for await (const ip of paginateListIngestConfigurations({ client: rt }, { filterByStageArn: s.arn })) {
          for (const c of ip.ingestConfigurations ?? []) {
            found.push({ type: "ingest-configuration", arn: c.arn!, name: c.name, remove: () => rt.send(new DeleteIngestConfigurationCommand({ arn: c.arn!, force: true })) });
          }
        }
        found.push({ type: "stage", arn: s.arn!, name: s.name, remove: () => rt.send(new DeleteStageCommand({ arn: s.arn! })) });
      }
    }
    for await (const page of paginateListChannels({ client: ivs }, {})) {
      for (const c of page.channels ?? []) {
        if (!matches(c.tags, o.tags)) continue;
        found.push({
          type: "channel",
          arn: c.arn!,
          name: c.name,
          remove: async () => {
            // A live channel cannot be deleted: end its stream first. StopStream returns before the
            // stream has ended, so wait until GetStream says the channel is no longer broadcasting.
            const live = await ivs.send(new StopStreamCommand({ channelArn: c.arn! })).then(
              () => true,
              (e) => {
                if ((e as Error).name !== "ChannelNotBroadcasting") throw e;
                return false;
              },
            );
            if (live) {
              const offline = async () => {
                try {
                  return (await ivs.send(new GetStreamCommand({ channelArn: c.arn! }))).stream?.state !== "LIVE";
                } catch (e) {
                  if ((e as Error).name === "ChannelNotBroadcasting") return true;
                  throw e;
                }
              };
              await pollUntil(offline, (done) => done, { what: `the stream of ${c.arn} to end`, timeoutMs: 60_000, intervalMs: 1_000, now: ctx.now });
            }
            await ivs.send(new DeleteChannelCommand({ arn: c.arn! }));
          },
        });
      }
    }
    for await (const page of paginateListRecordingConfigurations({ client: ivs }, {})) {
      for (const r of page.recordingConfigurations ?? []) {
        if (matches(r.tags, o.tags)) found.push({ type: "recording-configuration", arn: r.arn!, name: r.name, remove: () => ivs.send(new DeleteRecordingConfigurationCommand({ arn: r.arn! })) });
      }
    }
    for await (const page of paginateListPlaybackKeyPairs({ client: ivs }, {})) {
      for (const k of page.keyPairs ?? []) {
        if (matches(k.tags, o.tags)) found.push({ type: "playback-key", arn: k.arn!, name: k.name, remove: () => ivs.send(new DeletePlaybackKeyPairCommand({ arn: k.arn! })) });
      }
    }
    for await (const page of paginateListPublicKeys({ client: rt }, {})) {
      for (const k of page.publicKeys ?? []) {
        if (matches(k.tags, o.tags)) found.push({ type: "public-key", arn: k.arn!, name: k.name, remove: () => rt.send(new DeletePublicKeyCommand({ arn: k.arn! })) });
      }
    }
  } catch (e) {
    throw toCliError(e, "listing tagged resources");
  }

  const selector = Object.entries(o.tags).map(([k, v]) => `${k}=${v}`).join(", ");
  const rows: { type: string; arn: string; name?: string; result: string }[] = found.map((f) => ({ type: f.type, arn: f.arn, name: f.name, result: ctx.globals.dryRun ? "would delete" : "pending" }));
  const errors: CliError[] = [];
  if (!ctx.globals.dryRun && found.length > 0) {
    await confirmOrRefuse(ctx, `Delete ${found.length} resource(s) tagged ${selector}?`);
    const unpace = paceSweep([ivs, rt]);
    try {
      for (const [i, f] of found.entries()) {
        try {
          await f.remove();
          rows[i]!.result = "deleted";
        } catch (e) {
          // Already gone (e.g. an ingest configuration removed with its stage) counts as swept.
          if ((e as Error).name === "ResourceNotFoundException") rows[i]!.result = "already gone";
          else {
            const err = toCliError(e);
            errors.push(err);
            rows[i]!.result = `failed: ${err.message}`;
          }
        }
      }
    } finally {
      unpace();
    }
  }
  ctx.out.result(
    { tags: o.tags, dryRun: ctx.globals.dryRun, resources: rows },
    { kind: "table", title: found.length ? undefined : `nothing tagged ${selector}`, columns: ["type", "name", "arn", "result"], rows: rows.map((r) => [r.type, r.name, r.arn, r.result]) },
  );
  // The first failure decides the exit code (throttled: 6, permissions: 3, state: 5, …).
  const first = errors[0];
  if (first) {
    throw new CliError(`sweep: ${errors.length} of ${rows.length} resource(s) could not be deleted; first: ${first.message}`, { exitCode: first.exitCode, code: first.code, hint: "re-run after fixing the cause; sweeping is idempotent" });
  }
}
