/**
 * `ivsctl stage token`: participant tokens through CreateParticipantToken (opaque, bounded
 * concurrency in bulk) or self-signed with the current ES384 key (`kid` = the public key ARN,
 * participant id in `jti`; bulk signing on every core).
 */
import { CreateParticipantTokenCommand, type Stage } from "@aws-sdk/client-ivs-realtime";
import { paceAttempts, SlidingWindow } from "../aws/pacing.ts";
import type { Context } from "../cli/context.ts";
import { toCliError } from "../cli/errors.ts";
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
  // Every attempt, the SDK's retries included, stays under the rate as IVS counts it (see src/aws/pacing.ts).
  const window = new SlidingWindow(CREATE_TOKEN_TPS);
  const create = async (i: number) => {
    for (let throttles = 0; ; throttles++) {
      try {
        return await rt.send(new CreateParticipantTokenCommand(request));
      } catch (e) {
        const err = toCliError(e, `creating participant token ${i + 1} of ${count} for ${stage.arn}`);
        // Throttled by someone else sharing the account: wait and ask again for the same token, keeping its place.
        if (err.code !== "ThrottlingException" || throttles >= MAX_THROTTLE_RETRIES) throw err;
        await Bun.sleep(Math.min(4_000, 250 * 2 ** throttles));
      }
    }
  };
  const worker = async () => {
    while (next < count) {
      const i = next++;
      const { participantToken: t } = await create(i);
      results[i] = { token: t!.token!, participantId: t!.participantId!, userId: t!.userId ?? "", capabilities: (t!.capabilities ?? []) as string[], ...(t!.attributes ? { attributes: t!.attributes } : {}), expirationTime: t!.expirationTime, source: "api" };
      flush(); // in order, as soon as the next one is ready
    }
  };
  const unpace = paceAttempts(rt, "CreateParticipantTokenCommand", () => [window]);
  try {
    await Promise.all(Array.from({ length: Math.min(API_CONCURRENCY, count) }, worker));
  } finally {
    unpace();
  }
}

export async function mintStageTokens(ctx: Context, o: StageTokenOptions): Promise<void> {
  checkStageToken(o);
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
  const threads = mintThreads(ctx.env);
  const signed = await signMany(claims, key, threads);
  signed.forEach((s, i) => emit(selfSignedResult(stage, key, o.token, ids[i]!, s, nowMs)));
  if (o.count !== undefined) ctx.log.success(`signed ${count} participant token(s) with ${key.publicKeyArn} on ${Math.min(threads, count)} thread(s)`);
}
