/**
 * How the VP sample's Lambdas sign participant tokens (`lambda/sdk/realTime.ts` `createToken`,
 * contract section 5), written for the emulator with `jose`: ES384 over the private key PEM read
 * from the key secret on every call, `kid` = the ARN in the SSM parameter, 10080 minutes.
 * The emulator's own code: it never imports the client's token module.
 */
import { randomId } from "./ids.ts";
import { importPKCS8, SignJWT } from "jose";

/** jsonwebtoken `expiresIn: '10080 minutes'` (contract section 5). */
export const SAMPLE_TOKEN_SECONDS = 10080 * 60;

/** The sample's participant ids: 12 characters of [A-Za-z0-9] (contract section 5, `jti`). */
export const sampleParticipantId = (): string => randomId(12);

export interface SampleTokenInput {
  stageArn: string;
  endpoints: { whip?: string; events?: string };
  allowPublish: boolean;
  allowSubscribe: boolean;
  userId?: string;
  attributes?: Record<string, string>;
  /** The secret's AWSCURRENT string and the SSM parameter's `arn`. */
  secretString: string;
  kid: string;
  now: Date;
}

/**
 * Sign as the sample does. A secret string that is not a PEM private key fails with the message
 * jsonwebtoken gives (observed in a replica, contract section 5).
 */
export async function signSampleToken(i: SampleTokenInput): Promise<{ token: string; participantId: string }> {
  let key: CryptoKey;
  try {
    if (!i.secretString.includes("-----BEGIN PRIVATE KEY-----")) throw new Error("not a PKCS8 PEM");
    key = await importPKCS8(i.secretString.trim(), "ES384");
  } catch {
    throw new Error("secretOrPrivateKey must be an asymmetric key when using ES384");
  }
  const participantId = sampleParticipantId();
  const iat = Math.floor(i.now.getTime() / 1000);
  // Claim order as jsonwebtoken writes them: the payload's own keys, then iat and exp.
  const payload: Record<string, unknown> = {
    capabilities: { allow_publish: i.allowPublish, allow_subscribe: i.allowSubscribe },
    version: "1.0",
    topic: i.stageArn.split("/").pop(),
    resource: i.stageArn,
    jti: participantId,
    whip_url: i.endpoints.whip,
    events_url: i.endpoints.events,
  };
  if (i.attributes) payload.attributes = i.attributes;
  if (i.userId !== undefined) payload.user_id = i.userId;
  payload.iat = iat;
  payload.exp = iat + SAMPLE_TOKEN_SECONDS;
  const token = await new SignJWT(payload).setProtectedHeader({ alg: "ES384", typ: "JWT", kid: i.kid }).sign(key);
  return { token, participantId };
}
