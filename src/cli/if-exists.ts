/**
 * `--if-exists` for deletes: a resource that is already gone is success (exit 0), so a CI re-run
 * or a cleanup trap never fails on it. The document says so: `{arn, ref, deleted: false, existed: false}`.
 */
import type { Context } from "./context.ts";
import { isNotFound } from "./errors.ts";

export async function deleteUnlessGone(ctx: Context, ifExists: boolean | undefined, ref: string, what: string, run: () => Promise<void>): Promise<void> {
  try {
    await run();
  } catch (e) {
    if (!ifExists || !isNotFound(e)) throw e;
    ctx.log.info(`${what} ${ref} does not exist: nothing to delete (--if-exists)`);
    ctx.out.result({ arn: ref.startsWith("arn:") ? ref : null, ref, deleted: false, existed: false }, { kind: "record", fields: [["Already gone", ref]] });
  }
}
