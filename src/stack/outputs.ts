import type { Context } from "../cli/context.ts";
import { configError } from "../cli/errors.ts";
import type { RoleOverrides } from "./roles.ts";
import { stackResolver } from "./resolve.ts";

/** `ivsctl stack outputs`: the stack's outputs and the roles resolved from it, with their sources. */
export async function showStackOutputs(ctx: Context, opts: { overrides: RoleOverrides }): Promise<void> {
  if (!ctx.globals.stack) throw configError("no stack given", "pass --stack NAME or set IVSCTL_STACK");
  const resolver = stackResolver(ctx, opts.overrides);
  const outputs = await resolver.outputs();
  const kind = await resolver.kind();
  const roles = await resolver.all();
  const show = (v: string | string[] | undefined) => (Array.isArray(v) ? v.join(",") : v);
  ctx.out.result(
    {
      StackName: ctx.globals.stack,
      kind: kind.kind,
      kindReason: kind.reason,
      Outputs: outputs,
      Roles: Object.fromEntries(roles.map((r) => [r.role, { value: r.value ?? null, source: r.source, from: r.from ?? null }])),
    },
    [
      { kind: "record", fields: [["Stack", ctx.globals.stack], ["Kind", kind.kind], ["Because", kind.reason]] },
      { kind: "table", title: `Outputs of ${ctx.globals.stack}`, columns: ["key", "value", "export"], rows: outputs.map((o) => [o.OutputKey, o.OutputValue, o.ExportName]) },
      { kind: "table", title: "Resolved roles", columns: ["role", "value", "source", "from"], rows: roles.map((r) => [r.role, show(r.value), r.source, r.from]) },
    ],
  );
}
