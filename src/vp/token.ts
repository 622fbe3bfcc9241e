/**
 * The VP's participant token (PUBLISH and SUBSCRIBE, IVS's default 12 h): self-signed with the
 * stack's current key when the key secret holds one (src/keys/signing-key.ts format: private key
 * and public key ARN together), otherwise minted by IVS (CreateParticipantToken).
 * One call either way: GetSecretValue, or CreateParticipantToken when there is no usable key.
 */
import type { Context } from "../cli/context.ts";
import { CliError } from "../cli/errors.ts";
import type { StackResolver } from "../stack/resolve.ts";
import { apiToken, type MintedToken, type VpStage } from "./stage.ts";

type Who = { userId?: string; attributes?: Record<string, string> };

export async function mintVpToken(ctx: Context, resolver: StackResolver, stage: VpStage, who: Who): Promise<MintedToken> {
  const signed = await selfSigned(ctx, resolver, stage, who);
  return signed ?? apiToken(ctx, stage, who);
}

/** Undefined when there is no key to sign with (no key secret, no value yet, no public key ARN). */
async function selfSigned(ctx: Context, resolver: StackResolver, stage: VpStage, who: Who): Promise<MintedToken | undefined> {
  const role = await resolver.role("keySecret"); // ambiguous: exit 3 (never guess which key)
  if (role.value === undefined) return undefined;
  const secretId = Array.isArray(role.value) ? role.value[0]! : role.value;
  let value: string | undefined;
  try {
    const sm = await ctx.aws.secrets();
    const { GetSecretValueCommand } = await import("@aws-sdk/client-secrets-manager");
    value = (await sm.send(new GetSecretValueCommand({ SecretId: secretId, VersionStage: "AWSCURRENT" }))).SecretString;
  } catch (e) {
    const name = (e as Error).name;
    if (name === "ResourceNotFoundException") ctx.log.debug(`key secret ${secretId} has no value yet: minting the token through IVS`);
    else ctx.log.warn(`cannot read key secret ${secretId} (${name}): minting the token through IVS`);
    return undefined;
  }
  if (value === undefined) return undefined;
  const [{ parseSigningKeyDoc }, { importPrivateKeyPem }, { selfSignedToken }, { DEFAULT_DURATION_MINUTES }] = await Promise.all([
    import("../keys/signing-key.ts"),
    import("../tokens/es384.ts"),
    import("../tokens/self-signed.ts"),
    import("../tokens/participant.ts"),
  ]);
  let doc;
  try {
    doc = parseSigningKeyDoc(value);
  } catch (e) {
    ctx.log.warn(`${e instanceof CliError ? e.message : "key secret unreadable"}: minting the token through IVS`);
    return undefined;
  }
  if (!doc.publicKeyArn) {
    ctx.log.warn(`key secret ${secretId} holds a key without its public key ARN: minting the token through IVS`);
    return undefined;
  }
  const key = { privateKey: importPrivateKeyPem(doc.privateKeyPem, `the private key in ${secretId}`), privateKeyPem: doc.privateKeyPem, publicKeyArn: doc.publicKeyArn, source: secretId };
  const t = selfSignedToken(stage.raw, key, { capabilities: ["PUBLISH", "SUBSCRIBE"], durationMinutes: DEFAULT_DURATION_MINUTES, userId: who.userId, attributes: who.attributes }, ctx.now());
  return { token: t.token, participantId: t.participantId, expirationTime: t.expirationTime ? new Date(t.expirationTime) : undefined, source: "self-signed" };
}
