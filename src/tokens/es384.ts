/**
 * P-384 keys and ES384 signing, shared by playback tokens (low-latency) and participant tokens
 * (real-time). Keys are node KeyObjects; PEM text is only ever written to 0600 files or secrets.
 */
import { createPrivateKey, createPublicKey, generateKeyPairSync, sign, type KeyObject } from "node:crypto";
import { closeSync, fchmodSync, openSync, writeSync } from "node:fs";
import type { JWTHeaderParameters, JWTPayload } from "jose";
import { decodeUtf8Strict, READ_LIMITS, readFileBounded } from "../cli/bounded-read.ts";
import { CliError, usageError } from "../cli/errors.ts";
import { ExitCode } from "../cli/exit-codes.ts";

export interface P384KeyPair {
  privateKey: KeyObject;
  publicKey: KeyObject;
  privateKeyPem: string;
  publicKeyPem: string;
}

export function generateP384(): P384KeyPair {
  const { privateKey, publicKey } = generateKeyPairSync("ec", { namedCurve: "secp384r1" });
  return {
    privateKey,
    publicKey,
    privateKeyPem: privateKey.export({ type: "pkcs8", format: "pem" }).toString(),
    publicKeyPem: publicKey.export({ type: "spki", format: "pem" }).toString(),
  };
}

function requireP384(key: KeyObject, what: string): KeyObject {
  const curve = key.asymmetricKeyDetails?.namedCurve;
  if (key.asymmetricKeyType !== "ec" || curve !== "secp384r1") {
    throw usageError(`${what} is ${key.asymmetricKeyType === "ec" ? `an EC key on ${curve}` : `a ${key.asymmetricKeyType} key`}, not P-384 (secp384r1)`, "IVS signs with ES384: generate with `openssl ecparam -name secp384r1 -genkey`");
  }
  return key;
}

/** A private key PEM (PKCS#8 or SEC1 "EC PRIVATE KEY"), checked to be P-384. */
export function importPrivateKeyPem(pem: string, what = "the private key"): KeyObject {
  if (!/-----BEGIN (EC )?PRIVATE KEY-----/.test(pem)) throw usageError(`${what} is not a PEM private key`);
  let key: KeyObject;
  try {
    key = createPrivateKey({ key: pem, format: "pem" });
  } catch {
    throw usageError(`${what} is a malformed PEM private key`);
  }
  return requireP384(key, what);
}

/** A public key PEM (SPKI), or the public half of a private key PEM, checked to be P-384. */
export function importPublicKeyPem(pem: string, what = "the public key"): KeyObject {
  if (!/-----BEGIN (PUBLIC KEY|(EC )?PRIVATE KEY)-----/.test(pem)) throw usageError(`${what} is not a PEM key`);
  let key: KeyObject;
  try {
    key = createPublicKey({ key: pem, format: "pem" });
  } catch {
    throw usageError(`${what} is a malformed PEM key`);
  }
  return requireP384(key, what);
}

export function publicPemOf(key: KeyObject): string {
  return (key.type === "private" ? createPublicKey(key) : key).export({ type: "spki", format: "pem" }).toString();
}

const b64url = (data: string | Buffer) => Buffer.from(data).toString("base64url");

/**
 * Compact ES384 JWS. Signed with node:crypto directly (IEEE P1363 r||s, as JWS requires): it is
 * the hot path of bulk minting, and jose's WebCrypto route costs 10-15% of the raw sign rate.
 * Tokens are verified with jose (src/tokens/decode.ts) and, in tests, with Python joserfc.
 */
export function signEs384Sync(payload: object, key: KeyObject, header: Omit<JWTHeaderParameters, "alg"> = {}): string {
  const signingInput = `${b64url(JSON.stringify({ alg: "ES384", typ: "JWT", ...header }))}.${b64url(JSON.stringify(payload))}`;
  const signature = sign("sha384", Buffer.from(signingInput), { key, dsaEncoding: "ieee-p1363" });
  return `${signingInput}.${signature.toString("base64url")}`;
}

export async function signEs384(payload: JWTPayload, key: KeyObject, header: Omit<JWTHeaderParameters, "alg"> = {}): Promise<string> {
  return signEs384Sync(payload, key, header);
}

/**
 * Read a PEM key file (at most a few KB: src/cli/bounded-read.ts); a missing, unreadable or
 * oversized file is a usage error (exit 2) naming it. A file holding a PRIVATE key that the group or
 * others may read gets one warning line, as ssh gives (ssh refuses; a CI runner's checkout often has
 * 0644 files, so ivsctl warns and goes on).
 */
export function readKeyFile(path: string, what: string, warn?: (line: string) => void): string {
  const { bytes, mode } = readFileBounded(path, { maxBytes: READ_LIMITS.pem, what, missingAsCode: true });
  const pem = decodeUtf8Strict(bytes, `${what} ${path}`);
  if (warn && (mode & 0o077) !== 0 && /-----BEGIN (EC |ENCRYPTED )?PRIVATE KEY-----/.test(pem)) warn(looseModeWarning(path, mode));
  return pem;
}

export function looseModeWarning(path: string, mode: number): string {
  return `private key file ${path} has mode 0${mode.toString(8).padStart(3, "0")}: others on this machine can read it (chmod 600 ${path})`;
}

/**
 * Write key material to a new file with mode 0600 from the start (never world-readable, even
 * briefly). Refuses to overwrite an existing file.
 */
export function writeKeyFile(path: string, pem: string): void {
  let fd: number;
  try {
    fd = openSync(path, "wx", 0o600);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === "EEXIST") throw usageError(`${path} already exists: refusing to overwrite a key file`);
    throw new CliError(`cannot write ${path}: ${(e as Error).message}`, { exitCode: ExitCode.Usage, code: code ?? "IOError" });
  }
  try {
    fchmodSync(fd, 0o600); // umask cannot widen it, but be explicit
    writeSync(fd, pem);
  } finally {
    closeSync(fd);
  }
}
