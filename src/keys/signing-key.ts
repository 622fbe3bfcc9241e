/**
 * The participant-token signing key: where it lives and which public key is current.
 *
 * With a stack, the stack's key secret (Secrets Manager) holds ONE JSON document
 *   {"privateKeyPem": "...", "publicKeyArn": "arn:aws:ivs:...:public-key/...", "rotatedAt": "ISO"}
 * so the private key and the ARN of its imported public half change together, atomically, in one
 * secret version: whichever version is AWSCURRENT is always a matching pair. The AWSCURRENT
 * version is the record of "which public key is current" (no second store such as an SSM
 * parameter that could disagree with the secret).
 * Without a stack: --key-file (0600) and --public-key-arn.
 */
import { isArnOf } from "../aws/resolve.ts";
import { createPublicKey, type KeyObject } from "node:crypto";
import type { Context } from "../cli/context.ts";
import { configError, stateError, toCliError, usageError } from "../cli/errors.ts";
import { ExitCode } from "../cli/exit-codes.ts";
import { isRoleKnown, type RoleOverrides } from "../stack/roles.ts";
import { importPrivateKeyPem, readKeyFile } from "../tokens/es384.ts";
import { warnLine } from "../cli/log.ts";

export interface SigningKeyDoc {
  privateKeyPem: string;
  publicKeyArn: string;
  rotatedAt: string;
  previousPublicKeyArn?: string;
}

export interface SigningKey {
  privateKey: KeyObject;
  privateKeyPem: string;
  publicKeyArn: string;
  /** Where it came from, for messages: the secret ARN or the file path. */
  source: string;
}


export function checkPublicKeyArn(arn: string, flag = "--public-key-arn"): string {
  if (!isArnOf(arn, "ivs", "public-key")) throw usageError(`${flag} must be a public-key ARN (arn:aws:ivs:<region>:<account>:public-key/<id>), got "${arn}"`);
  return arn;
}

/** Parse a secret value: our JSON document, or (as the VP sample stores it) a bare PEM. */
export function parseSigningKeyDoc(value: string): Partial<SigningKeyDoc> & { privateKeyPem: string } {
  const trimmed = value.trim();
  if (trimmed.startsWith("{")) {
    try {
      const doc = JSON.parse(trimmed) as Partial<SigningKeyDoc>;
      if (typeof doc.privateKeyPem === "string") return doc as Partial<SigningKeyDoc> & { privateKeyPem: string };
    } catch {
      // fall through
    }
    throw configError("the key secret holds JSON without a privateKeyPem field");
  }
  return { privateKeyPem: trimmed };
}

export interface CurrentSecret {
  secretArn: string;
  /** AWSCURRENT version id, or undefined when the secret has no value yet. */
  versionId?: string;
  doc?: Partial<SigningKeyDoc> & { privateKeyPem: string };
}

/** The key secret's ARN from the stack roles (flag, env, output, resource). */
export async function keySecretArn(ctx: Context, overrides: RoleOverrides): Promise<string> {
  const { stackResolver } = await import("../stack/resolve.ts");
  const r = await stackResolver(ctx, overrides).required("keySecret");
  return Array.isArray(r.value) ? r.value[0]! : r.value;
}

/** Read the AWSCURRENT version of the key secret (none yet is not an error). */
export async function readCurrentSecret(ctx: Context, secretArn: string): Promise<CurrentSecret> {
  const sm = await ctx.aws.secrets();
  const { DescribeSecretCommand, GetSecretValueCommand } = await import("@aws-sdk/client-secrets-manager");
  try {
    const d = await sm.send(new DescribeSecretCommand({ SecretId: secretArn }));
    const versionId = Object.entries(d.VersionIdsToStages ?? {}).find(([, stages]) => stages.includes("AWSCURRENT"))?.[0];
    if (!versionId) return { secretArn: d.ARN ?? secretArn };
    const v = await sm.send(new GetSecretValueCommand({ SecretId: secretArn, VersionId: versionId }));
    if (v.SecretString === undefined) throw configError(`key secret ${secretArn} holds binary data, not a PEM or JSON key document`);
    return { secretArn: d.ARN ?? secretArn, versionId, doc: parseSigningKeyDoc(v.SecretString) };
  } catch (e) {
    throw toCliError(e, `reading key secret ${secretArn}`);
  }
}

/**
 * Tokens signed with a private key whose public half is not the key `kid` names are refused at join,
 * yet mint fine: one GetPublicKey proves the pair before any token is printed (exit 3 when it is not one).
 */
export async function checkKeyPairMatches(ctx: Context, privateKey: KeyObject, publicKeyArn: string, source: string): Promise<void> {
  const { GetPublicKeyCommand } = await import("@aws-sdk/client-ivs-realtime");
  const rt = await ctx.aws.realtime();
  const material = await rt
    .send(new GetPublicKeyCommand({ arn: publicKeyArn }))
    .then((r) => r.publicKey?.publicKeyMaterial)
    .catch((e) => {
      const err = toCliError(e, `reading public key ${publicKeyArn}`);
      // A deleted key (`keys delete --force`) would still sign tokens that every join refuses.
      if (err.exitCode === ExitCode.NotFound) throw stateError(`the signing key's public key ${publicKeyArn} no longer exists: tokens signed with it are refused at join`, "KeyNotFound", "run `ivsctl keys rotate` to make a new current key");
      throw err;
    });
  const der = (k: KeyObject) => k.export({ type: "spki", format: "der" });
  let imported: KeyObject | undefined;
  try {
    imported = material ? createPublicKey(material) : undefined;
  } catch {
    imported = undefined;
  }
  if (!imported || !der(imported).equals(der(createPublicKey(privateKey)))) {
    throw configError(`--public-key-arn ${publicKeyArn} is not the public half of the private key in ${source}`, "tokens signed this way are refused at join: pass the ARN that `keys import` gave for this key");
  }
}

/** The key to sign participant tokens with: from a file (+ ARN), or from the stack's key secret. */
export async function loadSigningKey(ctx: Context, o: { privateKeyFile?: string; publicKeyArn?: string; overrides: RoleOverrides }): Promise<SigningKey> {
  if (o.privateKeyFile) {
    if (!o.publicKeyArn) throw usageError("--key-file needs --public-key-arn (the ARN IVS gave its public half)");
    checkPublicKeyArn(o.publicKeyArn);
    const pem = readKeyFile(o.privateKeyFile, "private key file", warnLine(ctx.io));
    const privateKey = importPrivateKeyPem(pem, `private key file ${o.privateKeyFile}`);
    await checkKeyPairMatches(ctx, privateKey, o.publicKeyArn, o.privateKeyFile);
    return { privateKey, privateKeyPem: pem, publicKeyArn: o.publicKeyArn, source: o.privateKeyFile };
  }
  if (!isRoleKnown("keySecret", { overrides: o.overrides, env: ctx.env, stack: ctx.globals.stack })) {
    throw configError("self-signed tokens need a signing key", "pass --stack NAME (its key secret), or --key-file FILE --public-key-arn ARN");
  }
  const { isSampleStack } = await import("../stack/resolve.ts");
  if (!o.overrides.keySecret && (await isSampleStack(ctx))) {
    // The sample's formats: a bare PKCS8 PEM in <S>-PrivateKey, kid = the ARN /<S>/publicKeyArn names.
    const { signingKeyOf } = await import("../vp/sample-commands.ts");
    const k = await signingKeyOf(ctx);
    const publicKeyArn = o.publicKeyArn ?? k.publicKeyArn;
    const privateKey = importPrivateKeyPem(k.privateKeyPem, `the private key in ${k.source}`);
    await checkKeyPairMatches(ctx, privateKey, publicKeyArn, k.source);
    return { privateKey, privateKeyPem: k.privateKeyPem, publicKeyArn, source: k.source };
  }
  const secretArn = await keySecretArn(ctx, o.overrides);
  const current = await readCurrentSecret(ctx, secretArn);
  if (!current.doc) throw configError(`key secret ${secretArn} has no value yet`, "run `ivsctl keys rotate` to create the first signing key");
  const publicKeyArn = o.publicKeyArn ?? current.doc.publicKeyArn;
  if (!publicKeyArn) throw configError(`key secret ${secretArn} holds a bare PEM without its public key ARN`, "pass --public-key-arn, or run `ivsctl keys rotate` to store both together");
  const privateKey = importPrivateKeyPem(current.doc.privateKeyPem, `the private key in ${secretArn}`);
  // One GetPublicKey before any token: the key must still exist (it may have been deleted with --force),
  // and an ARN from the command line must be this private key's public half.
  await checkKeyPairMatches(ctx, privateKey, publicKeyArn, secretArn);
  return { privateKey, privateKeyPem: current.doc.privateKeyPem, publicKeyArn, source: secretArn };
}
