/**
 * Two VP backends behind one command surface (issue: "The VP sample's own stack"): ivsctl's own
 * (it mints the token and runs an ECS task) and the public VP sample's deployed stack (driven
 * through its function URLs). The stack's kind decides, from its outputs alone (src/stack/kind.ts);
 * without a stack, ivsctl's. This is the one place the choice is made.
 */
import type { Context } from "../cli/context.ts";
import { isSampleStack } from "./resolve.ts";
import type { RotateOptions } from "../keys/model.ts";
import { checkRotate } from "../keys/rotate.ts";
import { checkCreateStage, type CreateStageOptions } from "../stage/options.ts";
import { checkInviteOptions, checkKickOptions, type InviteOptions, type KickOptions, type ListOptions } from "../vp/options.ts";
import { checkStageRef } from "../vp/stage.ts";
import { checkRoleInputs, type RoleOverrides } from "./roles.ts";

export interface VpBackend {
  createStage(ctx: Context, o: CreateStageOptions): Promise<void>;
  deleteStage(ctx: Context, o: { stage: string; overrides: RoleOverrides; ifExists?: boolean }): Promise<void>;
  listStages(ctx: Context): Promise<void>;
  inviteVp(ctx: Context, o: InviteOptions): Promise<void>;
  kickVp(ctx: Context, o: KickOptions): Promise<void>;
  listVps(ctx: Context, o: ListOptions): Promise<void>;
  stopVps(ctx: Context, o: { overrides: RoleOverrides }): Promise<void>;
  rotateKeys(ctx: Context, o: RotateOptions): Promise<void>;
  listKeys(ctx: Context, o: { overrides: RoleOverrides }): Promise<void>;
}

async function ivsctlBackend(): Promise<VpBackend> {
  const [stages, vp, rotate, keys] = await Promise.all([import("../stage/stages.ts"), import("../vp/vp.ts"), import("../keys/rotate.ts"), import("../keys/keys.ts")]);
  return {
    createStage: stages.createStage,
    deleteStage: (ctx, o) => stages.deleteStage(ctx, o),
    listStages: stages.listStages,
    inviteVp: vp.inviteVp,
    kickVp: vp.kickVp,
    listVps: vp.listVps,
    stopVps: vp.stopVps,
    rotateKeys: (ctx, o) => rotate.rotateKeys(ctx, o),
    listKeys: keys.listKeys,
  };
}

export async function backendFor(ctx: Context): Promise<VpBackend> {
  return (await isSampleStack(ctx)) ? ((await import("../vp/sample-commands.ts")) as VpBackend) : ivsctlBackend();
}

/** The sample's Stages-table ids are UUIDs; everything else must be a stage ARN, id or name. */
const SAMPLE_STAGE_ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
function checkStageArg(ref: string): void {
  if (!SAMPLE_STAGE_ID.test(ref)) checkStageRef(ref);
}

// The commands' entry points: what can be checked offline is checked first (exit 2 before any
// call, whichever the backend), then the backend runs the operation.
export const createStage = async (ctx: Context, o: CreateStageOptions) => {
  checkCreateStage(o);
  return (await backendFor(ctx)).createStage(ctx, o);
};
export const deleteStage = async (ctx: Context, o: { stage: string; overrides: RoleOverrides; ifExists?: boolean }) => {
  checkStageArg(o.stage);
  checkRoleInputs(o.overrides, ctx.env);
  return (await backendFor(ctx)).deleteStage(ctx, o);
};
export const listStages = async (ctx: Context) => (await backendFor(ctx)).listStages(ctx);
export const inviteVp = async (ctx: Context, o: InviteOptions) => {
  checkStageArg(o.stage);
  checkInviteOptions(o, ctx.env);
  return (await backendFor(ctx)).inviteVp(ctx, o);
};
export const kickVp = async (ctx: Context, o: KickOptions) => {
  checkStageArg(o.stage);
  checkKickOptions(o, ctx.env);
  return (await backendFor(ctx)).kickVp(ctx, o);
};
export const listVps = async (ctx: Context, o: ListOptions) => {
  if (o.stage !== undefined) checkStageArg(o.stage);
  checkRoleInputs(o.overrides, ctx.env);
  return (await backendFor(ctx)).listVps(ctx, o);
};
export const stopVps = async (ctx: Context, o: { overrides: RoleOverrides }) => {
  checkRoleInputs(o.overrides, ctx.env);
  return (await backendFor(ctx)).stopVps(ctx, o);
};
export const rotateKeys = async (ctx: Context, o: RotateOptions) => {
  checkRotate(ctx, o);
  return (await backendFor(ctx)).rotateKeys(ctx, o);
};
export const listKeys = async (ctx: Context, o: { overrides: RoleOverrides }) => (await backendFor(ctx)).listKeys(ctx, o);
