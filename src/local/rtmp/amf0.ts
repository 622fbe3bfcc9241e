/**
 * AMF0, only as far as RTMP publishing uses it: numbers, booleans, strings, objects, null,
 * undefined, ECMA arrays and strict arrays (decoding), and the same minus arrays (encoding).
 */
export type Amf0Value = number | boolean | string | null | undefined | Amf0Object | Amf0Value[];
export interface Amf0Object {
  [key: string]: Amf0Value;
}

const NUMBER = 0x00;
const BOOLEAN = 0x01;
const STRING = 0x02;
const OBJECT = 0x03;
const NULL = 0x05;
const UNDEFINED = 0x06;
const ECMA_ARRAY = 0x08;
const OBJECT_END = 0x09;
const STRICT_ARRAY = 0x0a;
const DATE = 0x0b;
const LONG_STRING = 0x0c;

export class Amf0Reader {
  private pos = 0;
  constructor(private readonly buf: Buffer) {}

  get done(): boolean {
    return this.pos >= this.buf.length;
  }

  /** Every value in the buffer, in order. */
  readAll(): Amf0Value[] {
    const out: Amf0Value[] = [];
    while (!this.done) out.push(this.read());
    return out;
  }

  read(): Amf0Value {
    const marker = this.u8();
    switch (marker) {
      case NUMBER: {
        const v = this.buf.readDoubleBE(this.pos);
        this.pos += 8;
        return v;
      }
      case BOOLEAN:
        return this.u8() !== 0;
      case STRING:
        return this.shortString();
      case LONG_STRING: {
        const len = this.buf.readUInt32BE(this.pos);
        this.pos += 4;
        return this.take(len).toString("utf8");
      }
      case OBJECT:
        return this.properties();
      case ECMA_ARRAY:
        this.pos += 4; // approximate count; the end marker is authoritative
        return this.properties();
      case STRICT_ARRAY: {
        const n = this.buf.readUInt32BE(this.pos);
        this.pos += 4;
        const out: Amf0Value[] = [];
        for (let i = 0; i < n; i++) out.push(this.read());
        return out;
      }
      case DATE: {
        const v = this.buf.readDoubleBE(this.pos);
        this.pos += 10; // double + timezone
        return v;
      }
      case NULL:
        return null;
      case UNDEFINED:
        return undefined;
      default:
        throw new Error(`unsupported AMF0 marker 0x${marker.toString(16)} at ${this.pos - 1}`);
    }
  }

  private properties(): Amf0Object {
    const obj: Amf0Object = {};
    for (;;) {
      const key = this.shortString();
      if (key === "" && this.buf[this.pos] === OBJECT_END) {
        this.pos++;
        return obj;
      }
      obj[key] = this.read();
    }
  }

  private shortString(): string {
    const len = this.buf.readUInt16BE(this.pos);
    this.pos += 2;
    return this.take(len).toString("utf8");
  }

  private u8(): number {
    if (this.pos >= this.buf.length) throw new Error("AMF0 data ends early");
    return this.buf[this.pos++]!;
  }

  private take(n: number): Buffer {
    if (this.pos + n > this.buf.length) throw new Error("AMF0 data ends early");
    const b = this.buf.subarray(this.pos, this.pos + n);
    this.pos += n;
    return b;
  }
}

export function decodeAmf0(buf: Buffer): Amf0Value[] {
  return new Amf0Reader(buf).readAll();
}

function encodeString(s: string): Buffer {
  const body = Buffer.from(s, "utf8");
  if (body.length > 0xffff) {
    const head = Buffer.alloc(5);
    head[0] = LONG_STRING;
    head.writeUInt32BE(body.length, 1);
    return Buffer.concat([head, body]);
  }
  const head = Buffer.alloc(3);
  head[0] = STRING;
  head.writeUInt16BE(body.length, 1);
  return Buffer.concat([head, body]);
}

function encodeKey(k: string): Buffer {
  const body = Buffer.from(k, "utf8");
  const head = Buffer.alloc(2);
  head.writeUInt16BE(body.length, 0);
  return Buffer.concat([head, body]);
}

export function encodeAmf0(value: Amf0Value): Buffer {
  if (value === null) return Buffer.from([NULL]);
  if (value === undefined) return Buffer.from([UNDEFINED]);
  if (typeof value === "number") {
    const b = Buffer.alloc(9);
    b[0] = NUMBER;
    b.writeDoubleBE(value, 1);
    return b;
  }
  if (typeof value === "boolean") return Buffer.from([BOOLEAN, value ? 1 : 0]);
  if (typeof value === "string") return encodeString(value);
  if (Array.isArray(value)) {
    const head = Buffer.alloc(5);
    head[0] = STRICT_ARRAY;
    head.writeUInt32BE(value.length, 1);
    return Buffer.concat([head, ...value.map(encodeAmf0)]);
  }
  const parts: Buffer[] = [Buffer.from([OBJECT])];
  for (const [k, v] of Object.entries(value)) parts.push(encodeKey(k), encodeAmf0(v));
  parts.push(Buffer.from([0, 0, OBJECT_END]));
  return Buffer.concat(parts);
}

export function encodeAmf0All(values: Amf0Value[]): Buffer {
  return Buffer.concat(values.map(encodeAmf0));
}
