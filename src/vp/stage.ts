/**
 * What VP commands need from IVS real-time: the stage (ARN and endpoints), a participant token,
 * and the participant's state. One GetStage per stage; ids and names cost one ListStages pass more.
 */
import {
  CreateParticipantTokenCommand,
  DisconnectParticipantCommand,
  GetParticipantCommand,
  GetStageCommand,
  type IVSRealTimeClient,
  type Stage,
} from "@aws-sdk/client-ivs-realtime";
import { parseResourceRef } from "../aws/resolve.ts";
import type { Context } from "../cli/context.ts";
import { toCliError } from "../cli/errors.ts";
import { fetchStage } from "../stage/lookup.ts";

export interface VpStage {
  arn: string;
  /** GetStage's answer, for self-signed token claims. */
  raw: Stage;
  name?: string;
  whipUrl?: string;
  eventsUrl?: string;
  activeSessionId?: string;
}

export function checkStageRef(ref: string): void {
  parseResourceRef(ref, "stage");
}

function toVpStage(s: Stage): VpStage {
  return { arn: s.arn!, raw: s, name: s.name, whipUrl: s.endpoints?.whip, eventsUrl: s.endpoints?.events, activeSessionId: s.activeSessionId };
}

export async function getStage(rt: IVSRealTimeClient, arn: string): Promise<VpStage> {
  const { stage } = await rt.send(new GetStageCommand({ arn }));
  return toVpStage(stage!);
}

/** ARN, 12-character id or name -> the stage (src/stage/lookup.ts: ListStages only for ids and names). Unknown: exit 4. */
export async function resolveStage(ctx: Context, ref: string): Promise<VpStage> {
  return toVpStage((await fetchStage(ctx, ref)).stage);
}

export interface MintedToken {
  token: string;
  participantId: string;
  expirationTime?: Date;
  /** "self-signed" (the stack's key) or "api" (CreateParticipantToken). */
  source: "self-signed" | "api";
}

/** A PUBLISH+SUBSCRIBE token through CreateParticipantToken. */
export async function apiToken(ctx: Context, stage: VpStage, who: { userId?: string; attributes?: Record<string, string> }): Promise<MintedToken> {
  const rt = await ctx.aws.realtime();
  try {
    const { participantToken } = await rt.send(
      new CreateParticipantTokenCommand({ stageArn: stage.arn, userId: who.userId, attributes: who.attributes, capabilities: ["PUBLISH", "SUBSCRIBE"] }),
    );
    return { token: participantToken!.token!, participantId: participantToken!.participantId!, expirationTime: participantToken!.expirationTime, source: "api" };
  } catch (e) {
    throw toCliError(e, `creating a participant token for ${stage.arn}`);
  }
}

/** The participant's state on the stage's current session, or undefined when the stage does not show it (yet). */
export async function participantState(ctx: Context, stageArn: string, participantId: string): Promise<string | undefined> {
  const rt = await ctx.aws.realtime();
  const stage = await getStage(rt, stageArn);
  if (!stage.activeSessionId) return undefined;
  try {
    const { participant } = await rt.send(new GetParticipantCommand({ stageArn, sessionId: stage.activeSessionId, participantId }));
    return participant?.state;
  } catch (e) {
    if ((e as Error).name === "ResourceNotFoundException") return undefined;
    throw e;
  }
}

/** Disconnect a participant; one that is already gone is not an error (kick is idempotent). */
export async function disconnectParticipant(ctx: Context, stageArn: string, participantId: string, reason: string): Promise<boolean> {
  const rt = await ctx.aws.realtime();
  try {
    await rt.send(new DisconnectParticipantCommand({ stageArn, participantId, reason }));
    return true;
  } catch (e) {
    const name = (e as Error).name;
    if (name === "ResourceNotFoundException" || name === "ValidationException") return false;
    // The task is stopped already and its container leaves on SIGTERM: say so, do not fail the kick.
    ctx.log.warn(`could not disconnect participant ${participantId}: ${toCliError(e).message}`);
    return false;
  }
}
