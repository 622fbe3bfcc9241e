/**
 * Playback key pairs (private channels). `create` makes a P-384 pair locally, imports only the
 * public half, and puts the private PEM in a 0600 file or a Secrets Manager secret; it is never
 * printed. IVS allows 3 key pairs per region and never returns key material.
 */
import { existsSync, unlinkSync } from "node:fs";
import {
  DeletePlaybackKeyPairCommand,
  GetPlaybackKeyPairCommand,
  ImportPlaybackKeyPairCommand,
  paginateListPlaybackKeyPairs,
  type IvsClient,
  type PlaybackKeyPair,
} from "@aws-sdk/client-ivs";
import { parseResourceRef, resolveArn, checkResourceName } from "../aws/resolve.ts";
import type { Context } from "../cli/context.ts";
import { deleteResource, deleteUnlessGone } from "../cli/delete.ts";
import { printDryRun } from "../cli/dry-run.ts";
import { CliError, stateError, toCliError, usageError } from "../cli/errors.ts";
import type { HumanView } from "../cli/output.ts";
import { READ_LIMITS } from "../cli/bounded-read.ts";
import { generateP384, importPublicKeyPem, publicPemOf, writeKeyFile, readKeyFile } from "../tokens/es384.ts";
import { collect } from "../aws/paginate.ts";
import { warnLine } from "../cli/log.ts";
import { arnId } from "../contract/arn.ts";

export const PLAYBACK_KEY_QUOTA = 3;

export interface CreatePlaybackKeyOptions {
  name?: string;
  out?: string;
  secret?: string;
  tags?: Record<string, string>;
}

function checkName(name: string | undefined): void {
  checkResourceName(name);
}

/** Checks done before anything is generated or called. */
export function checkCreatePlaybackKey(o: CreatePlaybackKeyOptions): void {
  checkName(o.name);
  if (o.out && o.secret) throw usageError("give either --key-file FILE or --secret ID, not both");
  if (!o.out && !o.secret) throw usageError("say where the private key goes: --key-file FILE (mode 0600) or --secret ID (Secrets Manager)", "ivsctl never prints a private key");
  if (o.out && existsSync(o.out)) throw usageError(`${o.out} already exists: refusing to overwrite a key file`);
}

function quotaError(e: unknown): unknown {
  if ((e as Error)?.name === "ServiceQuotaExceededException") {
    return stateError(
      `this region already has the maximum of ${PLAYBACK_KEY_QUOTA} playback key pairs`,
      "ServiceQuotaExceededException",
      "delete one first: ivsctl playback-key list, then ivsctl playback-key delete <arn>",
    );
  }
  return e;
}

async function importPublic(ivs: IvsClient, request: { publicKeyMaterial: string; name?: string; tags?: Record<string, string> }): Promise<PlaybackKeyPair> {
  try {
    const { keyPair } = await ivs.send(new ImportPlaybackKeyPairCommand(request));
    return keyPair!;
  } catch (e) {
    throw toCliError(quotaError(e), "importing the playback public key");
  }
}

/**
 * Store the private PEM in a new secret. An existing secret is never overwritten: it may hold
 * another key (the stack's participant-token signing key, say), and replacing it would break
 * whatever signs with it.
 */
async function putSecret(ctx: Context, id: string, pem: string, description: string): Promise<string> {
  const sm = await import("@aws-sdk/client-secrets-manager");
  const client = await ctx.aws.secrets();
  try {
    return (await client.send(new sm.CreateSecretCommand({ Name: id, SecretString: pem, Description: description }))).ARN!;
  } catch (e) {
    if ((e as Error).name === "ResourceExistsException") {
      throw stateError(`secret ${id} already exists: refusing to replace its value`, "ResourceExistsException", "name a new secret with --secret, or use --key-file FILE");
    }
    throw e;
  }
}

function keyPairView(k: PlaybackKeyPair, extra: [string, string | undefined][] = []): HumanView {
  const fields: [string, string | undefined][] = [["Name", k.name], ["ARN", k.arn], ["Fingerprint", k.fingerprint], ...extra];
  const tags = Object.entries(k.tags ?? {});
  if (tags.length) fields.push(["Tags", tags.map(([a, b]) => `${a}=${b}`).join(", ")]);
  return { kind: "record", fields };
}

export async function createPlaybackKey(ctx: Context, o: CreatePlaybackKeyOptions): Promise<void> {
  checkCreatePlaybackKey(o);
  const pair = generateP384();
  const request = { publicKeyMaterial: pair.publicKeyPem, ...(o.name ? { name: o.name } : {}), ...(o.tags ? { tags: o.tags } : {}) };
  if (ctx.globals.dryRun) {
    printDryRun(ctx, "ImportPlaybackKeyPair", { ...request, privateKeyTo: o.out ? `file ${o.out} (mode 0600)` : `secret ${o.secret}` });
    return;
  }
  const ivs = await ctx.aws.ivs();
  if (o.out) {
    // The file first: if it cannot be written, nothing was imported.
    writeKeyFile(o.out, pair.privateKeyPem);
    let keyPair: PlaybackKeyPair;
    try {
      keyPair = await importPublic(ivs, request);
    } catch (e) {
      unlinkSync(o.out);
      throw e;
    }
    ctx.log.success(`imported playback key ${keyPair.arn}; private key written to ${o.out} (mode 0600)`);
    ctx.out.result({ keyPair, privateKeyFile: o.out }, keyPairView(keyPair, [["Private key file", o.out]]));
    return;
  }
  const keyPair = await importPublic(ivs, request);
  let secretArn: string;
  try {
    secretArn = await putSecret(ctx, o.secret!, pair.privateKeyPem, `IVS playback signing key for ${keyPair.arn}`);
  } catch (e) {
    // Without its private half the imported key is useless and uses one of the 3 slots: undo.
    const undone = await ivs.send(new DeletePlaybackKeyPairCommand({ arn: keyPair.arn! })).then(
      () => true,
      () => false,
    );
    const err = toCliError(e, `storing the private key in secret ${o.secret}`);
    const tail = undone ? "; the imported public key was deleted again" : `; ROLLBACK INCOMPLETE: delete ${keyPair.arn} by hand (ivsctl playback-key delete)`;
    throw new CliError(`${err.message}${tail}`, { exitCode: err.exitCode, code: err.code, hint: err.hint, cause: e });
  }
  ctx.log.success(`imported playback key ${keyPair.arn}; private key stored in ${secretArn}`);
  ctx.out.result({ keyPair, privateKeySecretArn: secretArn }, keyPairView(keyPair, [["Private key secret", secretArn]]));
}

export async function importPlaybackKey(ctx: Context, o: { file: string; name?: string; tags?: Record<string, string> }): Promise<void> {
  checkName(o.name);
  const pem = o.file === "-" ? await ctx.io.readStdin({ maxBytes: READ_LIMITS.pem, what: "the key on stdin" }) : readKeyFile(o.file, "public key file", warnLine(ctx.io));
  // Accepts a public key, or a private key whose public half is sent: key material never leaves otherwise.
  const publicKeyMaterial = publicPemOf(importPublicKeyPem(pem, o.file === "-" ? "stdin" : o.file));
  const request = { publicKeyMaterial, ...(o.name ? { name: o.name } : {}), ...(o.tags ? { tags: o.tags } : {}) };
  if (ctx.globals.dryRun) return printDryRun(ctx, "ImportPlaybackKeyPair", request);
  const keyPair = await importPublic(await ctx.aws.ivs(), request);
  ctx.log.success(`imported playback key ${keyPair.arn}`);
  ctx.out.result({ keyPair }, keyPairView(keyPair));
}

const listAll = (ivs: IvsClient): Promise<PlaybackKeyPair[]> => collect(paginateListPlaybackKeyPairs({ client: ivs }, {}), (p) => p.keyPairs, "listing playback keys");

export async function resolvePlaybackKeyArn(ivs: IvsClient, ref: string): Promise<string> {
  return resolveArn(parseResourceRef(ref, "playback-key"), "playback-key", async function* () {
    yield* await listAll(ivs);
  });
}

export async function listPlaybackKeys(ctx: Context): Promise<void> {
  const ivs = await ctx.aws.ivs();
  let keyPairs: PlaybackKeyPair[];
  try {
    keyPairs = await listAll(ivs);
  } catch (e) {
    throw toCliError(e, "listing playback key pairs");
  }
  ctx.out.result(
    { keyPairs },
    { kind: "table", columns: ["name", "id", "arn"], rows: keyPairs.map((k) => [k.name, arnId(k.arn), k.arn]) },
  );
}

export async function getPlaybackKey(ctx: Context, ref: string): Promise<void> {
  parseResourceRef(ref, "playback-key");
  const ivs = await ctx.aws.ivs();
  try {
    const arn = await resolvePlaybackKeyArn(ivs, ref);
    const { keyPair } = await ivs.send(new GetPlaybackKeyPairCommand({ arn }));
    ctx.out.result({ keyPair }, keyPairView(keyPair!));
  } catch (e) {
    throw toCliError(e, `getting playback key ${ref}`);
  }
}

export async function deletePlaybackKey(ctx: Context, o: { key: string; ifExists?: boolean }): Promise<void> {
  if (o.ifExists) {
    const ivs = await ctx.aws.ivs();
    const lookup = async () => ivs.send(new GetPlaybackKeyPairCommand({ arn: await resolvePlaybackKeyArn(ivs, o.key) }));
    return deleteUnlessGone(ctx, o.key, "playback key", lookup, () => deletePlaybackKey(ctx, { ...o, ifExists: false }));
  }
  parseResourceRef(o.key, "playback-key");
  const ivs = await ctx.aws.ivs();
  await deleteResource(ctx, {
    noun: "playback key",
    ref: o.key,
    resolve: () => resolvePlaybackKeyArn(ivs, o.key),
    operation: "DeletePlaybackKeyPair",
    send: (arn) => ivs.send(new DeletePlaybackKeyPairCommand({ arn })),
    consequence: "Tokens signed with its private key stop working",
  });
}
