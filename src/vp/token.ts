/**
 * The VP's participant token: self-signed with the stack's key when one is available, otherwise
 * minted by IVS (CreateParticipantToken). PUBLISH and SUBSCRIBE, IVS's default duration.
 */
import type { Context } from "../cli/context.ts";
import type { StackResolver } from "../stack/resolve.ts";
import { apiToken, type MintedToken, type VpStage } from "./stage.ts";

export async function mintVpToken(ctx: Context, _resolver: StackResolver, stage: VpStage, who: { userId?: string; attributes?: Record<string, string> }): Promise<MintedToken> {
  return apiToken(ctx, stage, who);
}
