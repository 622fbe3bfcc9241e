/**
 * How other capabilities reach the virtual-participant backend without depending on ECS code:
 * key rotation restarts VPs (so they pick up the new key), stage deletion stops a stage's VPs.
 * Light on purpose (the VP code loads only when a hook runs), so commands can build these.
 */
import type { Context } from "../cli/context.ts";
import type { RoleOverrides } from "../stack/roles.ts";

export type RestartVps = (ctx: Context) => Promise<number>;
export type StopStageVps = (ctx: Context, stageArn: string) => Promise<number>;

/** `--restart-vps` / `--no-restart-vps`; by default VPs are restarted when a stack names the backend. */
export function vpRestartHook(ctx: Context, wanted: boolean | undefined, overrides: RoleOverrides): RestartVps | undefined {
  if (!(wanted ?? Boolean(ctx.globals.stack))) return undefined;
  return async (c) => {
    const [{ restartVpTasks }, { stackResolver }] = await Promise.all([import("./vp.ts"), import("../stack/outputs.ts")]);
    return restartVpTasks(c, stackResolver(c, overrides));
  };
}

/** Stage deletion stops the stage's VPs when a VP backend is known (a stack, or a cluster). */
export function stageVpStopper(ctx: Context, overrides: RoleOverrides): StopStageVps | undefined {
  if (!(ctx.globals.stack || overrides.cluster || ctx.env.IVSCTL_CLUSTER)) return undefined;
  return async (c, stageArn) => {
    const [{ stopStageVps }, { stackResolver }] = await Promise.all([import("./vp.ts"), import("../stack/outputs.ts")]);
    return stopStageVps(c, stageArn, stackResolver(c, overrides));
  };
}
