/**
 * `ivsctl stage token`: participant tokens through CreateParticipantToken (opaque, bounded
 * concurrency in bulk) or self-signed with the current ES384 key (`kid` = the public key ARN,
 * participant id in `jti`; bulk signing on every core).
 */
import { CreateParticipantTokenCommand, type Stage } from "@aws-sdk/client-ivs-realtime";
import type { Context } from "../cli/context.ts";
import { toCliError } from "../cli/errors.ts";
import { interruptedError, signalScope } from "../cli/signals.ts";
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

/** Tokens per batch in --count mode: written and flushed before the next batch is made. API tokens cost a call each: smaller batches. */
export const MINT_BATCH = 2048;
export const API_BATCH = 64;

/** One token as -o json prints it, with or without --count: `{stageArn, participantToken}` (AWS's name). */
export function tokenDocument(stageArn: string, t: IssuedToken): { stageArn: string; participantToken: IssuedToken } {
  return { stageArn, participantToken: { ...t, expirationTime: t.expirationTime instanceof Date ? t.expirationTime.toISOString() : t.expirationTime } };
}

async function apiTokens(ctx: Context, stage: Stage, o: StageTokenOptions, count: number): Promise<IssuedToken[]> {
  const rt = await ctx.aws.realtime();
  const request = { stageArn: stage.arn!, userId: o.token.userId, capabilities: o.token.capabilities, duration: o.token.durationMinutes, attributes: o.token.attributes };
  const results: IssuedToken[] = new Array(count);
  let next = 0;
  const worker = async () => {
    while (next < count) {
      const i = next++;
      const { participantToken: t } = await rt.send(new CreateParticipantTokenCommand(request)).catch((e) => {
        throw toCliError(e, `creating participant token for ${stage.arn}`);
      });
      results[i] = { token: t!.token!, participantId: t!.participantId!, userId: t!.userId ?? "", capabilities: (t!.capabilities ?? []) as string[], ...(t!.attributes ? { attributes: t!.attributes } : {}), expirationTime: t!.expirationTime, source: "api" };
    }
  };
  await Promise.all(Array.from({ length: Math.min(API_CONCURRENCY, count) }, worker));
  return results;
}

export async function mintStageTokens(ctx: Context, o: StageTokenOptions): Promise<void> {
  checkStageToken(o);
  const threads = o.selfSigned ? mintThreads(ctx.env) : 1; // a bad IVSCTL_MINT_THREADS is exit 3 before any call
  // Key first (file errors are exit 2 before any call), then the stage.
  const key = o.selfSigned ? await loadSigningKey(ctx, o) : undefined;
  const { stage } = await fetchStage(ctx, o.stage);
  const nowMs = ctx.now();
  const idOf = (i: number) => (o.participantId ? (o.count === undefined ? o.participantId : `${o.participantId}-${i + 1}`) : newParticipantId());
  const batch = async (from: number, size: number): Promise<IssuedToken[]> => {
    if (!key) return apiTokens(ctx, stage, o, size);
    const ids = Array.from({ length: size }, (_, i) => idOf(from + i));
    const signed = await signMany(
      ids.map((id) => claimsFor(stage, o.token, id, nowMs)),
      key,
      threads,
    );
    return signed.map((s, i) => selfSignedResult(stage, key, o.token, ids[i]!, s, nowMs));
  };

  if (o.count === undefined) {
    const [t] = await batch(0, 1);
    ctx.out.result(tokenDocument(stage.arn!, t!), tokenView(t!, stage.arn!));
    return;
  }
  // --count N: JSON Lines in batches, each written and flushed before the next is made (flat
  // memory); a signal stops after the batch in hand is flushed (src/cli/signals.ts).
  const count = o.count;
  const signals = signalScope();
  let done = 0;
  try {
    while (done < count && !signals.signal) {
      const tokens = await batch(done, Math.min(key ? MINT_BATCH : API_BATCH, count - done));
      for (const t of tokens) ctx.out.line(tokenDocument(stage.arn!, t), `${t.participantId}\t${tokenDocument(stage.arn!, t).participantToken.expirationTime}\t${t.token}`);
      done += tokens.length;
      await ctx.io.flush?.();
    }
  } finally {
    signals.release();
  }
  if (signals.signal) throw interruptedError(signals.signal, `${done} of ${count} participant token(s) written`);
  if (key) ctx.log.success(`signed ${count} participant token(s) with ${key.publicKeyArn} on ${Math.min(threads, count)} thread(s)`);
  else ctx.log.success(`created ${count} participant token(s) for ${stage.arn}`);
}
