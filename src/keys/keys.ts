/**
 * `ivsctl keys list|import|delete|prune`: the IVS real-time public keys that verify self-signed
 * participant tokens. Keys that `keys rotate` imports carry tags: `ivsctl:owner` (stack),
 * `ivsctl:imported-at`, and once replaced `ivsctl:retire-after` (end of the grace period).
 */
import { deleteResource, deleteUnlessGone } from "../cli/delete.ts";
import { READ_LIMITS } from "../cli/bounded-read.ts";
import { checkResourceName } from "../aws/resolve.ts";
import {
  DeletePublicKeyCommand,
  GetPublicKeyCommand,
  ImportPublicKeyCommand,
  paginateListPublicKeys,
  type IVSRealTimeClient,
  type PublicKeySummary,
} from "@aws-sdk/client-ivs-realtime";
import type { Context } from "../cli/context.ts";
import { printDryRun } from "../cli/dry-run.ts";
import { parseDuration } from "../cli/duration.ts";
import { stateError, toCliError } from "../cli/errors.ts";
import { isRoleKnown, type RoleOverrides } from "../stack/roles.ts";
import { importPublicKeyPem, publicPemOf, readKeyFile } from "../tokens/es384.ts";
import { warnLine } from "../cli/log.ts";
import { checkPublicKeyArn, keySecretArn, readCurrentSecret } from "./signing-key.ts";
import { collect } from "../aws/paginate.ts";

import { KEY_TAG } from "./model.ts";
import { arnId } from "../contract/arn.ts";

export { KEY_TAG };

export interface KeyRow {
  arn: string;
  name: string;
  fingerprint?: string;
  importedAt?: string;
  owner?: string;
  retireAfter?: string;
  current: boolean;
  tags: Record<string, string>;
}

/** `<stack>-PublicKey-<epoch ms>` (as the VP sample names keys) -> ISO time. */
export function importedAtOf(k: { name?: string; tags?: Record<string, string> }): string | undefined {
  const tag = k.tags?.[KEY_TAG.importedAt];
  if (tag) return tag;
  const m = /-PublicKey-(\d{13})$/.exec(k.name ?? "");
  return m ? new Date(Number(m[1])).toISOString() : undefined;
}

export const allPublicKeys = (rt: IVSRealTimeClient): Promise<PublicKeySummary[]> =>
  collect(paginateListPublicKeys({ client: rt }, {}), (p) => p.publicKeys, "listing public keys");

/**
 * The stack's current public key ARN, when a stack or secret is known: from ivsctl's key secret, or
 * on a VP-sample stack the ARN that `/<S>/publicKeyArn` names (so prune and delete never take it).
 */
export async function currentKeyArn(ctx: Context, overrides: RoleOverrides): Promise<{ arn?: string; secretArn?: string }> {
  if (!isRoleKnown("keySecret", { overrides, env: ctx.env, stack: ctx.globals.stack })) return {};
  const { isSampleStack } = await import("../stack/resolve.ts");
  if (!overrides.keySecret && (await isSampleStack(ctx))) {
    const { currentSampleKey } = await import("../vp/sample-commands.ts");
    return currentSampleKey(ctx);
  }
  const secretArn = await keySecretArn(ctx, overrides);
  const cur = await readCurrentSecret(ctx, secretArn);
  return { arn: cur.doc?.publicKeyArn, secretArn };
}

function toRow(k: PublicKeySummary, current: string | undefined, fingerprint?: string): KeyRow {
  const tags = k.tags ?? {};
  return { arn: k.arn!, name: k.name ?? "", fingerprint, importedAt: importedAtOf(k), owner: tags[KEY_TAG.owner], retireAfter: tags[KEY_TAG.retireAfter], current: k.arn === current, tags };
}

export async function listKeys(ctx: Context, opts: { overrides: RoleOverrides }): Promise<void> {
  const rt = await ctx.aws.realtime();
  const current = await currentKeyArn(ctx, opts.overrides);
  let rows: KeyRow[];
  try {
    const keys = await allPublicKeys(rt);
    rows = await Promise.all(
      keys.map(async (k) => {
        const { publicKey } = await rt.send(new GetPublicKeyCommand({ arn: k.arn! }));
        return toRow(k, current.arn, publicKey?.fingerprint);
      }),
    );
  } catch (e) {
    throw toCliError(e, "listing public keys");
  }
  rows.sort((a, b) => (b.importedAt ?? "").localeCompare(a.importedAt ?? ""));
  ctx.out.result(
    { stack: ctx.globals.stack ?? null, keySecretArn: current.secretArn ?? null, currentPublicKeyArn: current.arn ?? null, publicKeys: rows },
    {
      kind: "table",
      columns: ["current", "name", "id", "imported", "retire after", "fingerprint"],
      rows: rows.map((r) => [r.current ? "*" : "", r.name, arnId(r.arn), r.importedAt, r.retireAfter, r.fingerprint]),
    },
  );
}

export async function importKey(ctx: Context, o: { file: string; name?: string; tags?: Record<string, string> }): Promise<void> {
  checkResourceName(o.name);
  let pem: string;
  if (o.file === "-") pem = await ctx.io.readStdin({ maxBytes: READ_LIMITS.pem, what: "the key on stdin" });
  else {
    pem = readKeyFile(o.file, "public key file", warnLine(ctx.io));
  }
  // A private key PEM is accepted: only its public half is sent.
  const publicKeyMaterial = publicPemOf(importPublicKeyPem(pem, `key file ${o.file}`));
  const request = { publicKeyMaterial, ...(o.name ? { name: o.name } : {}), ...(o.tags ? { tags: o.tags } : {}) };
  if (ctx.globals.dryRun) return printDryRun(ctx, "ImportPublicKey", request);
  const rt = await ctx.aws.realtime();
  const { publicKey } = await rt.send(new ImportPublicKeyCommand(request)).catch((e) => {
    throw toCliError(e, "importing public key");
  });
  ctx.log.success(`imported public key ${publicKey!.arn}`);
  ctx.out.result({ publicKey }, { kind: "record", fields: [["ARN", publicKey!.arn], ["Name", publicKey!.name], ["Fingerprint", publicKey!.fingerprint]] });
}

/** The stack a key belongs to, by its `ivsctl:owner` tag or (VP sample keys) its `<stack>-PublicKey-<epoch ms>` name. */
export function ownerStackOf(k: { name?: string; tags?: Record<string, string> }): string | undefined {
  return k.tags?.[KEY_TAG.owner] ?? /^(.+)-PublicKey-\d{13}$/.exec(k.name ?? "")?.[1];
}

/**
 * Is `arn` the current signing key of some backend? With a stack (or key secret) given, its secret
 * says. Without one, the key's own tags or name say whose it is, and that stack's secret is read.
 * When the secret cannot be read, a key of a stack that was never retired (no `ivsctl:retire-after`)
 * counts as current: refusing wrongly costs a --force, deleting wrongly breaks every live token.
 */
async function currentForBackend(ctx: Context, arn: string, overrides: RoleOverrides): Promise<string | undefined> {
  if (isRoleKnown("keySecret", { overrides, env: ctx.env, stack: ctx.globals.stack })) {
    const current = await currentKeyArn(ctx, overrides);
    return current.arn === arn ? `stack ${ctx.globals.stack ?? current.secretArn}` : undefined;
  }
  const rt = await ctx.aws.realtime();
  const { publicKey } = await rt.send(new GetPublicKeyCommand({ arn })).catch((e) => {
    throw toCliError(e, `reading public key ${arn}`);
  });
  const owner = ownerStackOf(publicKey ?? {});
  if (!owner) return undefined;
  try {
    const current = await currentKeyArn({ ...ctx, globals: { ...ctx.globals, stack: owner } }, {});
    return current.arn === arn ? `stack ${owner}` : undefined;
  } catch (e) {
    if (publicKey?.tags?.[KEY_TAG.retireAfter] !== undefined) return undefined;
    ctx.log.debug(`cannot read the key secret of stack ${owner}: ${(e as Error).message}`);
    return `stack ${owner} (by its tags; its key secret could not be read)`;
  }
}

export async function deleteKey(ctx: Context, o: { arn: string; force: boolean; overrides: RoleOverrides; ifExists?: boolean }): Promise<void> {
  checkPublicKeyArn(o.arn, "<arn>");
  if (o.ifExists) {
    const rt = await ctx.aws.realtime();
    return deleteUnlessGone(ctx, o.arn, "public key", () => rt.send(new GetPublicKeyCommand({ arn: o.arn })), () => deleteKey(ctx, { ...o, ifExists: false }));
  }
  if (!o.force) {
    const currentFor = await currentForBackend(ctx, o.arn, o.overrides);
    if (currentFor) {
      throw stateError(`${o.arn} is the current signing key of ${currentFor}: deleting it breaks every token`, "CurrentKey", "run `ivsctl keys rotate` first, or pass --force");
    }
  }
  const rt = await ctx.aws.realtime();
  await deleteResource(ctx, {
    noun: "public key",
    ref: o.arn,
    resolve: async () => o.arn,
    operation: "DeletePublicKey",
    send: (arn) => rt.send(new DeletePublicKeyCommand({ arn })),
    consequence: "Tokens signed with it stop working",
  });
}

/**
 * Keys a rotation imported but never made current: the rotation was interrupted (the process or
 * the endpoint died) before it could roll back. They are ours (`ivsctl:owner` = the stack), carry
 * no `ivsctl:retire-after`, are not in `keep`, and are older than any rotation in progress could be.
 */
export const ORPHAN_MIN_AGE_MS = 15 * 60_000;

export function orphanKeys(keys: PublicKeySummary[], o: { owner: string; keep: (string | undefined)[]; nowMs: number; minAgeMs: number }): PublicKeySummary[] {
  return keys.filter((k) => {
    const tags = k.tags ?? {};
    const imported = Date.parse(tags[KEY_TAG.importedAt] ?? "");
    return tags[KEY_TAG.owner] === o.owner && tags[KEY_TAG.retireAfter] === undefined && !o.keep.includes(k.arn) && Number.isFinite(imported) && o.nowMs - imported >= o.minAgeMs;
  });
}

/** IVSCTL_KEY_ORPHAN_AGE (a duration) overrides how old an unswitched key must be to count as orphaned. */
export function orphanMinAge(env: Record<string, string | undefined>): number {
  return env.IVSCTL_KEY_ORPHAN_AGE ? parseDuration(env.IVSCTL_KEY_ORPHAN_AGE, "IVSCTL_KEY_ORPHAN_AGE") : ORPHAN_MIN_AGE_MS;
}

/** Delete every key whose grace period (`ivsctl:retire-after`) is over, never the current one; and orphans of interrupted rotations. */
export async function pruneKeys(ctx: Context, o: { overrides: RoleOverrides }): Promise<void> {
  const rt = await ctx.aws.realtime();
  const current = await currentKeyArn(ctx, o.overrides);
  const now = ctx.now();
  let keys: PublicKeySummary[];
  try {
    keys = await allPublicKeys(rt);
  } catch (e) {
    throw toCliError(e, "listing public keys");
  }
  const expired = keys.filter((k) => {
    const t = k.tags?.[KEY_TAG.retireAfter];
    return t !== undefined && Date.parse(t) <= now && k.arn !== current.arn;
  });
  const orphans = ctx.globals.stack ? orphanKeys(keys, { owner: ctx.globals.stack, keep: [current.arn], nowMs: now, minAgeMs: orphanMinAge(ctx.env) }) : [];
  expired.push(...orphans);
  const waiting = keys.filter((k) => k.tags?.[KEY_TAG.retireAfter] !== undefined && !expired.includes(k) && k.arn !== current.arn);
  const deleted: string[] = [];
  if (!ctx.globals.dryRun) {
    for (const k of expired) {
      try {
        await rt.send(new DeletePublicKeyCommand({ arn: k.arn! }));
        deleted.push(k.arn!);
        ctx.log.info(`deleted ${k.arn} (${orphans.includes(k) ? "orphaned by an interrupted rotation" : `grace period ended ${k.tags![KEY_TAG.retireAfter]}`})`);
      } catch (e) {
        if ((e as Error).name !== "ResourceNotFoundException") throw toCliError(e, `deleting public key ${k.arn}`);
      }
    }
  }
  ctx.out.result(
    {
      dryRun: ctx.globals.dryRun,
      deleted: ctx.globals.dryRun ? [] : deleted,
      wouldDelete: ctx.globals.dryRun ? expired.map((k) => k.arn) : [],
      inGracePeriod: waiting.map((k) => ({ arn: k.arn, retireAfter: k.tags![KEY_TAG.retireAfter] })),
    },
    {
      kind: "table",
      title: ctx.globals.dryRun ? "Would prune:" : undefined,
      columns: ["key", "retire after", "action"],
      rows: [
        ...expired.map((k) => [k.arn, k.tags?.[KEY_TAG.retireAfter] ?? "orphan", ctx.globals.dryRun ? "would delete" : "deleted"]),
        ...waiting.map((k) => [k.arn, k.tags![KEY_TAG.retireAfter], "kept (grace period)"]),
      ],
    },
  );
}
