/**
 * How other capabilities reach the virtual-participant backend without depending on ECS code:
 * key rotation restarts VPs (so they pick up the new key), stage deletion stops a stage's VPs.
 * Light on purpose (the VP code loads only when a hook runs). The hook types live with their
 * consumers (src/keys/rotate.ts, src/stage/stages.ts); these functions match them structurally.
 */
import type { Context } from "../cli/context.ts";
import { isRoleKnown, type RoleOverrides } from "../stack/roles.ts";

/** `--restart-vps` / `--no-restart-vps`; by default VPs are restarted when a stack names the backend. */
export function vpRestartHook(ctx: Context, wanted: boolean | undefined, overrides: RoleOverrides): ((c: Context) => Promise<number>) | undefined {
  if (!(wanted ?? Boolean(ctx.globals.stack))) return undefined;
  return async (c) => {
    const [{ restartVpTasks }, { stackResolver }] = await Promise.all([import("./vp.ts"), import("../stack/resolve.ts")]);
    return restartVpTasks(c, stackResolver(c, overrides));
  };
}

/** Stage deletion stops the stage's VPs when a VP backend is known (a stack, or a cluster). */
export function stageVpStopper(ctx: Context, overrides: RoleOverrides): ((c: Context, stageArn: string) => Promise<number>) | undefined {
  if (!isRoleKnown("cluster", { overrides, env: ctx.env, stack: ctx.globals.stack })) return undefined;
  return async (c, stageArn) => {
    const [{ stopStageVps }, { stackResolver }] = await Promise.all([import("./vp.ts"), import("../stack/resolve.ts")]);
    return stopStageVps(c, stageArn, stackResolver(c, overrides));
  };
}
