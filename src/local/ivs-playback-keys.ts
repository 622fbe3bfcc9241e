/**
 * IVS playback key pairs in the emulator: ImportPlaybackKeyPair takes a P-384 public key PEM.
 * At most 3 key pairs per region (ServiceQuotaExceededException, HTTP 402). Importing a key
 * already imported is ConflictException. The fingerprint is the emulator's own identifier
 * (MD5 of the DER public key, colon-separated hex); AWS documents it only as "key-pair identifier".
 */
import { createHash, createPublicKey, type KeyObject } from "node:crypto";
import { parseArn } from "../contract/arn.ts";
import { conflict, notFound, quotaExceeded, validation } from "./errors.ts";
import { KIND } from "./ivs.ts";
import { arnFor, paginate, randomId } from "./ids.ts";
import type { EmulatedService, RequestContext } from "./service.ts";

export const PLAYBACK_KEY_PAIRS_PER_REGION = 3;

export interface PlaybackKeyPairDoc {
  arn: string;
  name: string;
  fingerprint: string;
  tags: Record<string, string>;
  publicKeyMaterial: string;
}

function parseP384(pem: string): KeyObject {
  let key: KeyObject;
  try {
    if (!/-----BEGIN PUBLIC KEY-----/.test(pem)) throw new Error("not a PEM public key");
    key = createPublicKey({ key: pem, format: "pem" });
  } catch {
    throw validation("publicKeyMaterial is not a valid PEM-encoded public key");
  }
  if (key.asymmetricKeyType !== "ec" || key.asymmetricKeyDetails?.namedCurve !== "secp384r1") {
    throw validation("publicKeyMaterial must be an ECDSA P-384 (secp384r1) public key");
  }
  return key;
}

export function fingerprintOf(key: KeyObject): string {
  const der = key.export({ type: "spki", format: "der" });
  return createHash("md5").update(der).digest("hex").match(/../g)!.join(":");
}

const inRegion = (ctx: RequestContext) => (k: PlaybackKeyPairDoc) => parseArn(k.arn)?.region === ctx.region;
const view = ({ arn, name, fingerprint, tags }: PlaybackKeyPairDoc) => ({ arn, name, fingerprint, tags });

function getPair(ctx: RequestContext, arn: string): PlaybackKeyPairDoc {
  const doc = ctx.store.get<PlaybackKeyPairDoc>(KIND.playbackKeyPair, arn);
  if (!doc) throw notFound(`Playback key pair not found: ${arn}`);
  return doc;
}

export const ivsPlaybackKeysService: EmulatedService = {
  name: "ivs",
  protocol: "rest-json",
  operations: {
    ImportPlaybackKeyPair: (input, ctx) => {
      const key = parseP384(String(input.publicKeyMaterial ?? ""));
      const fingerprint = fingerprintOf(key);
      const existing = ctx.store.list<PlaybackKeyPairDoc>(KIND.playbackKeyPair).filter(inRegion(ctx));
      if (existing.some((k) => k.fingerprint === fingerprint)) throw conflict("A playback key pair with this public key already exists");
      if (existing.length >= PLAYBACK_KEY_PAIRS_PER_REGION) {
        throw quotaExceeded(`Playback key pairs per region limit of ${PLAYBACK_KEY_PAIRS_PER_REGION} reached`);
      }
      const doc: PlaybackKeyPairDoc = {
        arn: arnFor("ivs", ctx.region, "playback-key", randomId()),
        name: input.name ?? "",
        fingerprint,
        tags: input.tags ?? {},
        publicKeyMaterial: key.export({ type: "spki", format: "pem" }).toString(),
      };
      ctx.store.put(KIND.playbackKeyPair, doc.arn, doc);
      return { keyPair: view(doc) };
    },
    GetPlaybackKeyPair: (input, ctx) => ({ keyPair: view(getPair(ctx, input.arn)) }),
    ListPlaybackKeyPairs: (input, ctx) => {
      const all = ctx.store.list<PlaybackKeyPairDoc>(KIND.playbackKeyPair).filter(inRegion(ctx));
      const { page, nextToken } = paginate(all, input.nextToken, input.maxResults);
      return { keyPairs: page.map(({ arn, name, tags }) => ({ arn, name, tags })), nextToken };
    },
    DeletePlaybackKeyPair: (input, ctx) => {
      getPair(ctx, input.arn);
      ctx.store.delete(KIND.playbackKeyPair, input.arn);
      return {};
    },
  },
};
