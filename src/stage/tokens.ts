/**
 * `ivsctl stage token`: participant tokens through CreateParticipantToken (opaque, bounded
 * concurrency in bulk) or self-signed with the current ES384 key (`kid` = the public key ARN,
 * participant id in `jti`; bulk signing on every core).
 */
import { CreateParticipantTokenCommand, type Stage } from "@aws-sdk/client-ivs-realtime";
import type { Context } from "../cli/context.ts";
import { toCliError } from "../cli/errors.ts";
import { loadSigningKey, type SigningKey } from "../keys/signing-key.ts";
import { newParticipantId, participantClaims, signParticipantToken, type TokenOptions } from "../tokens/participant.ts";
import { mintThreads, signMany } from "./mint-pool.ts";
import { checkStageToken, type StageTokenOptions } from "./options.ts";
import { fetchStage } from "./stages.ts";

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

/** CreateParticipantToken calls in flight at once in bulk: well under IVS's rate, no throttling. */
export const API_CONCURRENCY = 8;

function claimsFor(stage: Stage, token: TokenOptions, participantId: string, nowMs: number) {
  return participantClaims({ stageArn: stage.arn!, endpoints: stage.endpoints ?? {}, participantId, nowMs, token });
}

function selfSignedResult(stage: Stage, key: SigningKey, token: TokenOptions, participantId: string, signed: string, nowMs: number): IssuedToken {
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

function tokenView(t: IssuedToken, stageArn: string) {
  return {
    kind: "record" as const,
    fields: [
      ["Stage", stageArn],
      ["Participant", t.participantId],
      ["User id", t.userId],
      ["Capabilities", t.capabilities.join(",")],
      ["Expires", t.expirationTime instanceof Date ? t.expirationTime.toISOString() : t.expirationTime],
      ["Source", t.source],
      ...(t.publicKeyArn ? [["Key", t.publicKeyArn]] : []),
      ["Token", t.token],
    ] as [string, string][],
  };
}

async function apiTokens(ctx: Context, stage: Stage, o: StageTokenOptions, count: number, emit: (t: IssuedToken) => void): Promise<void> {
  const rt = await ctx.aws.realtime();
  const request = { stageArn: stage.arn!, userId: o.token.userId, capabilities: o.token.capabilities, duration: o.token.durationMinutes, attributes: o.token.attributes };
  const results: (IssuedToken | undefined)[] = new Array(count);
  let next = 0;
  let emitted = 0;
  const flush = () => {
    while (emitted < count && results[emitted]) {
      emit(results[emitted]!);
      results[emitted] = undefined;
      emitted++;
    }
  };
  const worker = async () => {
    while (next < count) {
      const i = next++;
      const { participantToken: t } = await rt.send(new CreateParticipantTokenCommand(request)).catch((e) => {
        throw toCliError(e, `creating participant token ${i + 1} of ${count} for ${stage.arn}`);
      });
      results[i] = { token: t!.token!, participantId: t!.participantId!, userId: t!.userId ?? "", capabilities: (t!.capabilities ?? []) as string[], ...(t!.attributes ? { attributes: t!.attributes } : {}), expirationTime: t!.expirationTime, source: "api" };
      flush(); // in order, as soon as the next one is ready
    }
  };
  await Promise.all(Array.from({ length: Math.min(API_CONCURRENCY, count) }, worker));
}

export async function mintStageTokens(ctx: Context, o: StageTokenOptions): Promise<void> {
  checkStageToken(o);
  const threads = o.selfSigned ? mintThreads(ctx.env) : 1; // a bad IVSCTL_MINT_THREADS is exit 3 before any call
  // Key first (file errors are exit 2 before any call), then the stage.
  const key = o.selfSigned ? await loadSigningKey(ctx, o) : undefined;
  const { stage } = await fetchStage(ctx, o.stage);
  const count = o.count ?? 1;
  const lineOf = (t: IssuedToken) => ({ stageArn: stage.arn, ...t, expirationTime: t.expirationTime instanceof Date ? t.expirationTime.toISOString() : t.expirationTime });
  const emit = o.count === undefined
    ? (t: IssuedToken) => ctx.out.result({ stageArn: stage.arn, participantToken: lineOf(t) }, tokenView(t, stage.arn!))
    : (t: IssuedToken) => ctx.out.line(lineOf(t), `${t.participantId}\t${lineOf(t).expirationTime}\t${t.token}`);
  if (!key) {
    await apiTokens(ctx, stage, o, count, emit);
    if (o.count !== undefined) ctx.log.success(`created ${count} participant token(s) for ${stage.arn}`);
    return;
  }
  const nowMs = ctx.now();
  const ids = Array.from({ length: count }, (_, i) => (o.participantId ? (o.count === undefined ? o.participantId : `${o.participantId}-${i + 1}`) : newParticipantId()));
  const claims = ids.map((id) => claimsFor(stage, o.token, id, nowMs));
  const signed = await signMany(claims, key, threads);
  signed.forEach((s, i) => emit(selfSignedResult(stage, key, o.token, ids[i]!, s, nowMs)));
  if (o.count !== undefined) ctx.log.success(`signed ${count} participant token(s) with ${key.publicKeyArn} on ${Math.min(threads, count)} thread(s)`);
}
