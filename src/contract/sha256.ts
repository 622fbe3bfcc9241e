/**
 * SHA-256 (and HMAC-SHA-256 when given a secret) over node:crypto, in the shape `@smithy/signature-v4`
 * takes as its `sha256` constructor. Only the hash: the signing itself is the SDK's.
 * Neutral ground: the client signs function-URL requests with it and the emulator re-signs to verify.
 */
import { createHash, createHmac, type Hash, type Hmac } from "node:crypto";

type Data = string | ArrayBuffer | ArrayBufferView;

const bytes = (d: Data): Buffer =>
  typeof d === "string" ? Buffer.from(d, "utf8") : ArrayBuffer.isView(d) ? Buffer.from(d.buffer, d.byteOffset, d.byteLength) : Buffer.from(d);

export class Sha256 {
  private hash!: Hash | Hmac;

  constructor(private readonly secret?: Data) {
    this.reset();
  }

  update(data: Data): void {
    this.hash.update(bytes(data));
  }

  async digest(): Promise<Uint8Array> {
    return new Uint8Array(this.hash.digest());
  }

  reset(): void {
    this.hash = this.secret === undefined ? createHash("sha256") : createHmac("sha256", bytes(this.secret));
  }
}
