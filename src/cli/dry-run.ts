import type { Context } from "./context.ts";

/** --dry-run: show the exact request that would be sent, and send nothing. */
export function printDryRun(ctx: Context, operation: string, request: Record<string, unknown>): void {
  ctx.out.result(
    { dryRun: true, operation, request },
    {
      kind: "record",
      title: `Would call ${operation} with:`,
      fields: Object.entries(request).map(([k, v]) => [k, typeof v === "object" ? JSON.stringify(v) : (v as string | number | boolean)]),
    },
  );
}
