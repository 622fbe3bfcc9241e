/**
 * The self-signed participant-token flow: claims for a stage, ES384 signature with a signing key
 * (`kid` = its public key ARN), and the issued-token record every command prints. `stage token`,
 * `stage create --self-signed` and the VP backend all sign through here.
 */
import type { Stage } from "@aws-sdk/client-ivs-realtime";
import type { SigningKey } from "../keys/signing-key.ts";
import { newParticipantId, participantClaims, signParticipantToken, type TokenOptions } from "./participant.ts";

export interface IssuedToken {
  token: string;
  participantId: string;
  userId: string;
  capabilities: string[];
  attributes?: Record<string, string>;
  expirationTime?: Date | string;
  source: "api" | "self-signed";
  publicKeyArn?: string;
}

export function claimsFor(stage: Stage, token: TokenOptions, participantId: string, nowMs: number) {
  return participantClaims({ stageArn: stage.arn!, endpoints: stage.endpoints ?? {}, participantId, nowMs, token });
}

export function selfSignedResult(stage: Stage, key: SigningKey, token: TokenOptions, participantId: string, signed: string, nowMs: number): IssuedToken {
  const exp = Math.floor(nowMs / 1000) + token.durationMinutes * 60;
  return {
    token: signed,
    participantId,
    userId: token.userId ?? "",
    capabilities: token.capabilities,
    ...(token.attributes ? { attributes: token.attributes } : {}),
    expirationTime: new Date(exp * 1000).toISOString(),
    source: "self-signed",
    publicKeyArn: key.publicKeyArn,
  };
}

/** One self-signed token for a stage (also used by `stage create --self-signed`). */
export function selfSignedToken(stage: Stage, key: SigningKey, token: TokenOptions, nowMs: number, participantId = newParticipantId()): IssuedToken {
  const signed = signParticipantToken(claimsFor(stage, token, participantId, nowMs), key.privateKey, key.publicKeyArn);
  return selfSignedResult(stage, key, token, participantId, signed, nowMs);
}

