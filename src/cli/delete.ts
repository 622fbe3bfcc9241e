import type { Context } from "./context.ts";
import { confirmOrRefuse } from "./context.ts";
import { printDryRun } from "./dry-run.ts";
import { CliError, doing } from "./errors.ts";
import { ExitCode } from "./exit-codes.ts";

/** One resource to delete: how to find it, and the call that deletes it. */
export interface Deletion {
  /** What it is, for messages ("channel", "playback key"). */
  noun: string;
  /** The reference as the user gave it. */
  ref: string;
  /** Reference -> ARN (exit 4 when there is none). */
  resolve: () => Promise<string>;
  /** The API operation, for --dry-run. */
  operation: string;
  send: (arn: string) => Promise<unknown>;
  /** Said with the question, e.g. what stops working. */
  consequence?: string;
}

/**
 * The delete flow every delete command shares: resolve, --dry-run, confirm, send, report.
 * With `ifExists`, a resource that is already gone is success (for re-runs), and says so.
 */
export async function deleteResource(ctx: Context, d: Deletion, opts: { ifExists?: boolean } = {}): Promise<void> {
  let arn: string;
  try {
    arn = await doing(`deleting ${d.noun} ${d.ref}`, d.resolve);
  } catch (e) {
    if (opts.ifExists && e instanceof CliError && e.exitCode === ExitCode.NotFound) return reportGone(ctx, d);
    throw e;
  }
  if (ctx.globals.dryRun) return printDryRun(ctx, d.operation, { arn });
  await confirmOrRefuse(ctx, `Delete ${d.noun} ${arn}?${d.consequence ? ` ${d.consequence}` : ""}`);
  try {
    await doing(`deleting ${d.noun} ${d.ref}`, () => d.send(arn));
  } catch (e) {
    if (opts.ifExists && e instanceof CliError && e.exitCode === ExitCode.NotFound) return reportGone(ctx, d, arn);
    throw e;
  }
  ctx.log.success(`deleted ${d.noun} ${arn}`);
  ctx.out.result({ arn, deleted: true }, { kind: "record", fields: [["Deleted", arn]] });
}

function reportGone(ctx: Context, d: Deletion, arn?: string): void {
  ctx.log.info(`${d.noun} ${arn ?? d.ref} does not exist: nothing to delete (--if-exists)`);
  ctx.out.result({ arn: arn ?? null, ref: d.ref, deleted: false, existed: false }, { kind: "record", fields: [["Already gone", arn ?? d.ref]] });
}
