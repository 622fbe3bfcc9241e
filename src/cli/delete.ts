import type { Context } from "./context.ts";
import { confirmOrRefuse } from "./context.ts";
import { printDryRun } from "./dry-run.ts";
import { doing, isNotFound } from "./errors.ts";

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

/** The delete flow every simple delete shares: resolve, --dry-run, confirm, send, report. */
export async function deleteResource(ctx: Context, d: Deletion): Promise<void> {
  const arn = await doing(`deleting ${d.noun} ${d.ref}`, d.resolve);
  if (ctx.globals.dryRun) return printDryRun(ctx, d.operation, { arn });
  await confirmOrRefuse(ctx, `Delete ${d.noun} ${arn}?${d.consequence ? ` ${d.consequence}` : ""}`);
  await doing(`deleting ${d.noun} ${d.ref}`, () => d.send(arn));
  ctx.log.success(`deleted ${d.noun} ${arn}`);
  ctx.out.result({ arn, deleted: true }, { kind: "record", fields: [["Deleted", arn]] });
}

/**
 * `--if-exists` for every delete: a resource that is already gone is success (exit 0), so a CI re-run
 * or a cleanup trap never fails on it. The document says so: `{arn, ref, deleted: false, existed: false}`.
 * Only `lookup` (the target itself) may say "gone": a not-found later in the delete (a stack's
 * cluster, a key secret) is a real failure, never "already deleted".
 */
export async function deleteUnlessGone(ctx: Context, ref: string, what: string, lookup: () => Promise<unknown>, run: () => Promise<void>): Promise<void> {
  try {
    await lookup();
  } catch (e) {
    if (!isNotFound(e)) throw e;
    ctx.log.info(`${what} ${ref} does not exist: nothing to delete (--if-exists)`);
    ctx.out.result({ arn: ref.startsWith("arn:") ? ref : null, ref, deleted: false, existed: false }, { kind: "record", fields: [["Already gone", ref]] });
    return;
  }
  await run();
}
