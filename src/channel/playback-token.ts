/**
 * `ivsctl channel token`: sign playback tokens for a (private) channel with a local P-384 key.
 * One GetChannel call; the tokens themselves are minted offline.
 */
import type { KeyObject } from "node:crypto";
import { GetChannelCommand } from "@aws-sdk/client-ivs";
import { parseResourceRef } from "../aws/resolve.ts";
import type { Context } from "../cli/context.ts";
import { formatDuration } from "../cli/duration.ts";
import { configError, toCliError, usageError } from "../cli/errors.ts";
import { ExitCode } from "../cli/exit-codes.ts";
import { interruptedError, signalScope } from "../cli/signals.ts";
import type { JWTPayload } from "jose";
import { importPrivateKeyPem, signEs384, readKeyFile } from "../tokens/es384.ts";
import { warnLine } from "../cli/log.ts";
import { checkPlaybackTokenOptions, MAX_TOKEN_COUNT, mintPlaybackTokens, playbackClaims, playbackUrlWithToken, type PlaybackTokenOptions } from "../tokens/playback.ts";
import { resolveChannelArn } from "./channels.ts";
import { channelRef, requireChannelSource } from "./target.ts";

export interface ChannelTokenOptions extends Omit<PlaybackTokenOptions, "channelArn"> {
  /** ARN, id or name; absent: the --stack's channel. */
  channel?: string;
  keyFile?: string;
  secret?: string;
  count: number;
}


export function checkKeySource(o: { keyFile?: string; secret?: string }): void {
  if (o.keyFile && o.secret) throw usageError("give either --key-file FILE or --secret ID, not both");
  if (!o.keyFile && !o.secret) throw usageError("a signing key is needed: --key-file FILE (private key PEM) or --secret ID (Secrets Manager)");
}

/** A PEM held in a secret: the whole SecretString, or a privateKey/privateKeyPem/key field of a JSON one. */
export function pemFromSecretString(s: string): string {
  const t = s.trim();
  if (t.startsWith("{")) {
    try {
      const o = JSON.parse(t) as Record<string, unknown>;
      for (const f of ["privateKey", "privateKeyPem", "key", "pem"]) if (typeof o[f] === "string") return o[f] as string;
    } catch {
      // not JSON: fall through and let the PEM check say what is wrong
    }
  }
  return t;
}

/** The private signing key, from a file or a Secrets Manager secret, checked to be P-384. */
export async function loadPlaybackSigningKey(ctx: Context, o: { keyFile?: string; secret?: string }): Promise<KeyObject> {
  if (o.keyFile) return importPrivateKeyPem(readKeyFile(o.keyFile, "key file", warnLine(ctx.io)), o.keyFile);
  const { GetSecretValueCommand } = await import("@aws-sdk/client-secrets-manager");
  const sm = await ctx.aws.secrets();
  let value: string | undefined;
  try {
    value = (await sm.send(new GetSecretValueCommand({ SecretId: o.secret! }))).SecretString;
  } catch (e) {
    throw toCliError(e, `reading the signing key from secret ${o.secret}`);
  }
  if (!value) throw usageError(`secret ${o.secret} has no SecretString holding a PEM private key`);
  return importPrivateKeyPem(pemFromSecretString(value), `the key in secret ${o.secret}`);
}

/** The stack's playback private-key secret (the tutorials' `…outputsecretmanagerarn`). */
async function stackPlaybackSecret(ctx: Context): Promise<string> {
  const { stackResolver } = await import("../stack/resolve.ts");
  const role = await stackResolver(ctx, {}).required("playbackSecret");
  return Array.isArray(role.value) ? role.value[0]! : role.value;
}

/** A stack's secret that holds no P-384 private key is a stack not yet set up: exit 3, naming the step. */
async function stackSigningKey(ctx: Context, secretArn: string): Promise<KeyObject> {
  try {
    return await loadPlaybackSigningKey(ctx, { secret: secretArn });
  } catch (e) {
    const err = toCliError(e);
    if (err.exitCode === ExitCode.Usage) {
      throw configError(`stack ${ctx.globals.stack}: secret ${secretArn} holds no P-384 private key (${err.message})`, `import the playback private key PEM into it first: aws secretsmanager put-secret-value --secret-id ${secretArn} --secret-string file://private-key.pem`);
    }
    throw err;
  }
}

export async function channelToken(ctx: Context, o: ChannelTokenOptions): Promise<void> {
  // Everything that can be checked offline is checked before the key is read or AWS is called.
  requireChannelSource(ctx, o.channel);
  checkPlaybackTokenOptions(o);
  if (!Number.isInteger(o.count) || o.count < 1 || o.count > MAX_TOKEN_COUNT) throw usageError(`--count must be a whole number from 1 to ${MAX_TOKEN_COUNT} (got "${o.count}")`);
  if (o.channel !== undefined) parseResourceRef(o.channel, "channel");
  const fromStack = !o.keyFile && !o.secret && Boolean(ctx.globals.stack);
  if (!fromStack) checkKeySource(o);
  const key = o.keyFile ? await loadPlaybackSigningKey(ctx, o) : undefined;
  const channel = await channelRef(ctx, o.channel);
  if (fromStack) o = { ...o, secret: await stackPlaybackSecret(ctx) };

  const ivs = await ctx.aws.ivs();
  let channelArn: string;
  let playbackUrl: string;
  let authorized: boolean;
  try {
    channelArn = await resolveChannelArn(ivs, channel);
    const got = (await ivs.send(new GetChannelCommand({ arn: channelArn }))).channel;
    playbackUrl = got!.playbackUrl!;
    authorized = got!.authorized === true;
  } catch (e) {
    throw toCliError(e, `signing a playback token for ${channel}`);
  }
  const signingKey = key ?? (fromStack ? await stackSigningKey(ctx, o.secret!) : await loadPlaybackSigningKey(ctx, o));
  if (!authorized) {
    ctx.log.warn(`channel ${channelArn} is not authorized (private): viewers can play it without a token; make it private with \`ivsctl channel update ${channelArn} --authorized\``);
  }
  const opts: PlaybackTokenOptions = { ...o, channelArn };
  const now = ctx.now();

  // One shape for every token, with or without --count: {channelArn, token, playbackUrl, expiresAt, claims}.
  const documentOf = (token: string, claims: JWTPayload) => ({ channelArn, token, playbackUrl: playbackUrlWithToken(playbackUrl, token), expiresAt: new Date((claims.exp as number) * 1000), claims });
  if (o.count === 1) {
    const claims = playbackClaims(opts, now);
    const doc = documentOf(await signEs384(claims, signingKey), claims);
    ctx.out.result(doc, {
      kind: "record",
      fields: [
        ["Channel", channelArn],
        ["Expires", `${doc.expiresAt.toISOString().replace(/\.\d{3}Z$/, "Z")} (in ${formatDuration(o.ttlMs)})`],
        ["Token", doc.token],
        ["Playback URL", doc.playbackUrl],
      ],
    });
    return;
  }
  // --count N: JSON Lines, one key, a fresh single-use uuid per token when asked; flushed every
  // batch (flat memory), and a signal stops after the batch in hand (src/cli/signals.ts).
  const signals = signalScope();
  let done = 0;
  try {
    for await (const { token, claims } of mintPlaybackTokens(signingKey, opts, o.count, now)) {
      const doc = documentOf(token, claims);
      ctx.out.line(doc, doc.playbackUrl);
      if (++done % PLAYBACK_BATCH === 0) {
        await ctx.io.flush?.();
        if (signals.signal) break;
      }
    }
  } finally {
    signals.release();
  }
  if (signals.signal) throw interruptedError(signals.signal, `${done} of ${o.count} playback token(s) written`);
  ctx.log.success(`minted ${o.count} playback tokens for ${channelArn}`);
}

/** Playback tokens written between flushes (and signal checks) in --count mode. */
export const PLAYBACK_BATCH = 256;
