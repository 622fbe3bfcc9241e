/**
 * `ivsctl stage token`: participant tokens through CreateParticipantToken (opaque, bounded
 * concurrency in bulk) or self-signed with the current ES384 key (`kid` = the public key ARN,
 * participant id in `jti`; bulk signing on every core).
 */
import { CreateParticipantTokenCommand, type Stage } from "@aws-sdk/client-ivs-realtime";
import { paceAttempts, retryThrottled, SlidingWindow } from "../aws/pacing.ts";
import type { Context } from "../cli/context.ts";
import { toCliError } from "../cli/errors.ts";
import { interruptedError, signalScope } from "../cli/signals.ts";
import { loadSigningKey } from "../keys/signing-key.ts";
import { newParticipantId } from "../tokens/participant.ts";
import { claimsFor, selfSignedResult, type IssuedToken } from "../tokens/self-signed.ts";
import { fetchStage } from "./lookup.ts";
import { mintThreads, signMany } from "./mint-pool.ts";
import { checkStageToken, type StageTokenOptions } from "./options.ts";

/** CreateParticipantToken calls in flight at once in bulk. */
export const API_CONCURRENCY = 8;
/** CreateParticipantToken's documented rate (IVS Real-Time user guide, Service Quotas): 50 TPS, not adjustable. */
export const CREATE_TOKEN_TPS = 50;
/** ThrottlingException answers (each after the SDK's own retries) a token may meet before the batch gives up. */
const MAX_THROTTLE_RETRIES = 8;

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

/** One batch of API tokens; `window` spans every batch of the invocation, so pacing holds across them. */
async function apiTokens(ctx: Context, stage: Stage, o: StageTokenOptions, count: number, window: SlidingWindow): Promise<IssuedToken[]> {
  const rt = await ctx.aws.realtime();
  const request = { stageArn: stage.arn!, userId: o.token.userId, capabilities: o.token.capabilities, duration: o.token.durationMinutes, attributes: o.token.attributes };
  const results: IssuedToken[] = new Array(count);
  let next = 0;
  const create = async (i: number) => {
    // Throttled by someone else sharing the account: wait and ask again for the same token, keeping its place.
    try {
      return await retryThrottled(() => rt.send(new CreateParticipantTokenCommand(request)), { maxRetries: MAX_THROTTLE_RETRIES, sleep: Bun.sleep });
    } catch (e) {
      throw toCliError(e, `creating participant token ${i + 1} of ${count} for ${stage.arn}`);
    }
  };
  const worker = async () => {
    while (next < count) {
      const i = next++;
      const { participantToken: t } = await create(i);
      results[i] = { token: t!.token!, participantId: t!.participantId!, userId: t!.userId ?? "", capabilities: (t!.capabilities ?? []) as string[], ...(t!.attributes ? { attributes: t!.attributes } : {}), expirationTime: t!.expirationTime, source: "api" };
    }
  };
  const unpace = paceAttempts(rt, "CreateParticipantTokenCommand", () => [window]);
  try {
    await Promise.all(Array.from({ length: Math.min(API_CONCURRENCY, count) }, worker));
  } finally {
    unpace();
  }
  return results;
}

export async function mintStageTokens(ctx: Context, o: StageTokenOptions): Promise<void> {
  checkStageToken(o);
  const threads = o.selfSigned ? mintThreads(ctx.env) : 1; // a bad IVSCTL_MINT_THREADS is exit 3 before any call
  // Key first (file errors are exit 2 before any call), then the stage.
  const key = o.selfSigned ? await loadSigningKey(ctx, o) : undefined;
  const { stage } = await fetchStage(ctx, o.stage);
  const nowMs = ctx.now();
  // Every attempt, the SDK's retries included, stays under the rate as IVS counts it (see src/aws/pacing.ts).
  const window = new SlidingWindow(CREATE_TOKEN_TPS);
  const idOf = (i: number) => (o.participantId ? (o.count === undefined ? o.participantId : `${o.participantId}-${i + 1}`) : newParticipantId());
  const batch = async (from: number, size: number): Promise<IssuedToken[]> => {
    if (!key) return apiTokens(ctx, stage, o, size, window);
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
