/**
 * The server side of one RTMP connection, only as far as publishing needs: the simple handshake,
 * the chunk stream (both directions), protocol control messages, and the AMF0 commands
 * connect / releaseStream / FCPublish / createStream / publish / FCUnpublish / deleteStream.
 * It knows nothing of sockets or IVS: bytes go in through feed(), out through `send`, and
 * what happens is reported through the callbacks.
 */
import { decodeAmf0, encodeAmf0All, type Amf0Object, type Amf0Value } from "./amf0.ts";

export const MSG = {
  setChunkSize: 1,
  abort: 2,
  ack: 3,
  userControl: 4,
  windowAckSize: 5,
  setPeerBandwidth: 6,
  audio: 8,
  video: 9,
  dataAmf3: 15,
  commandAmf3: 17,
  dataAmf0: 18,
  commandAmf0: 20,
} as const;

const HANDSHAKE_SIZE = 1536;
const OUT_CHUNK_SIZE = 4096;
const WINDOW = 5_000_000;

export interface PublishVerdict {
  ok: boolean;
  /** Why a publish was refused; sent to the client as the onStatus description. */
  reason?: string;
}

export interface SessionEvents {
  send(data: Buffer): void;
  /** Close the connection (after the pending writes). */
  close(): void;
  /** A client asks to publish `streamName` under application `app`. */
  publish(app: string, streamName: string): PublishVerdict;
  /** The client said it stops publishing (FCUnpublish / deleteStream). */
  unpublish(): void;
  media(type: typeof MSG.audio | typeof MSG.video, timestamp: number, payload: Buffer): void;
  metadata(meta: Amf0Object): void;
}

interface ChunkStream {
  timestamp: number;
  delta: number;
  length: number;
  type: number;
  streamId: number;
  extended: boolean;
  parts: Buffer[];
  received: number;
}

export class RtmpSession {
  private buf = Buffer.alloc(0);
  private stage: "c0c1" | "c2" | "chunks" | "closed" = "c0c1";
  private inChunkSize = 128;
  private readonly streams = new Map<number, ChunkStream>();
  private peerWindow = 0;
  private bytesIn = 0;
  private lastAck = 0;
  private app = "";
  private publishing = false;

  constructor(private readonly ev: SessionEvents) {}

  get isPublishing(): boolean {
    return this.publishing;
  }

  feed(data: Buffer): void {
    if (this.stage === "closed") return;
    this.bytesIn += data.length;
    this.buf = this.buf.length ? Buffer.concat([this.buf, data]) : Buffer.from(data); // own copy: chunk parts point into it
    let pos = 0;
    try {
      for (;;) {
        if (this.stage === "c0c1") {
          if (this.buf.length - pos < 1 + HANDSHAKE_SIZE) break;
          if (this.buf[pos] !== 3) throw new Error(`unsupported RTMP version ${this.buf[pos]}`);
          const c1 = this.buf.subarray(pos + 1, pos + 1 + HANDSHAKE_SIZE);
          pos += 1 + HANDSHAKE_SIZE;
          // S1: time, four zero bytes (the "simple" handshake: clients then skip digest checks), random.
          const s1 = Buffer.alloc(HANDSHAKE_SIZE);
          s1.writeUInt32BE(0, 0);
          crypto.getRandomValues(s1.subarray(8));
          this.ev.send(Buffer.concat([Buffer.from([3]), s1, c1])); // S0 S1 S2 (= echo of C1)
          this.stage = "c2";
        } else if (this.stage === "c2") {
          if (this.buf.length - pos < HANDSHAKE_SIZE) break;
          pos += HANDSHAKE_SIZE;
          this.stage = "chunks";
        } else if (this.stage === "chunks") {
          const used = this.readChunk(pos);
          if (used === 0) break;
          pos += used;
        } else break;
      }
    } catch (e) {
      this.stage = "closed";
      this.ev.close();
      return;
    }
    this.buf = pos >= this.buf.length ? Buffer.alloc(0) : this.buf.subarray(pos);
    if (this.peerWindow > 0 && this.bytesIn - this.lastAck >= this.peerWindow) {
      this.lastAck = this.bytesIn;
      this.sendControl(MSG.ack, u32(this.bytesIn >>> 0));
    }
  }

  /** Parses one chunk at `p`; returns the bytes used, or 0 when more data is needed. */
  private readChunk(p: number): number {
    const b = this.buf;
    const avail = b.length - p;
    if (avail < 1) return 0;
    const fmt = b[p]! >> 6;
    let csid = b[p]! & 0x3f;
    let h = 1;
    if (csid === 0) {
      if (avail < 2) return 0;
      csid = b[p + 1]! + 64;
      h = 2;
    } else if (csid === 1) {
      if (avail < 3) return 0;
      csid = b[p + 2]! * 256 + b[p + 1]! + 64;
      h = 3;
    }
    const mh = [11, 7, 3, 0][fmt]!;
    if (avail < h + mh) return 0;
    let cs = this.streams.get(csid);
    if (!cs) {
      if (fmt !== 0 && fmt !== 1) throw new Error(`chunk stream ${csid} starts without a full header`);
      cs = { timestamp: 0, delta: 0, length: 0, type: 0, streamId: 0, extended: false, parts: [], received: 0 };
      this.streams.set(csid, cs);
    }
    const m = p + h;
    const tsField = fmt < 3 ? b.readUIntBE(m, 3) : 0;
    const extended = fmt < 3 ? tsField === 0xffffff : cs.extended;
    const ext = extended ? 4 : 0;
    if (avail < h + mh + ext) return 0;
    const tsValue = extended ? b.readUInt32BE(m + mh) : tsField;
    const length = fmt <= 1 ? b.readUIntBE(m + 3, 3) : cs.length;
    const starting = cs.received === 0;
    const size = Math.min(this.inChunkSize, length - (starting ? 0 : cs.received));
    const total = h + mh + ext + size;
    if (avail < total) return 0;

    if (fmt === 0) {
      cs.timestamp = tsValue;
      cs.delta = 0;
      cs.length = length;
      cs.type = b[m + 6]!;
      cs.streamId = b.readUInt32LE(m + 7);
    } else if (fmt === 1) {
      cs.delta = tsValue;
      cs.length = length;
      cs.type = b[m + 6]!;
      cs.timestamp += tsValue;
    } else if (fmt === 2) {
      cs.delta = tsValue;
      cs.timestamp += tsValue;
    } else if (starting) {
      cs.timestamp += cs.delta;
    }
    cs.extended = extended;
    cs.parts.push(b.subarray(p + total - size, p + total));
    cs.received += size;
    if (cs.received >= cs.length) {
      const payload = cs.parts.length === 1 ? cs.parts[0]! : Buffer.concat(cs.parts);
      cs.parts = [];
      cs.received = 0;
      this.onMessage(cs.type, cs.timestamp, cs.streamId, Buffer.from(payload));
    }
    return total;
  }

  private onMessage(type: number, timestamp: number, streamId: number, payload: Buffer): void {
    switch (type) {
      case MSG.setChunkSize:
        this.inChunkSize = payload.readUInt32BE(0) & 0x7fffffff;
        if (this.inChunkSize < 1) throw new Error("invalid chunk size");
        return;
      case MSG.abort:
        this.streams.delete(payload.readUInt32BE(0));
        return;
      case MSG.windowAckSize:
        this.peerWindow = payload.readUInt32BE(0);
        return;
      case MSG.audio:
      case MSG.video:
        if (this.publishing) this.ev.media(type, timestamp, payload);
        return;
      case MSG.dataAmf0:
      case MSG.dataAmf3: {
        const values = decodeAmf0(type === MSG.dataAmf3 ? payload.subarray(1) : payload);
        const meta = values.find((v): v is Amf0Object => typeof v === "object" && v !== null && !Array.isArray(v));
        if (meta && values.includes("onMetaData")) this.ev.metadata(meta);
        return;
      }
      case MSG.commandAmf0:
      case MSG.commandAmf3:
        this.onCommand(decodeAmf0(type === MSG.commandAmf3 ? payload.subarray(1) : payload), streamId);
        return;
      default:
        return; // acks, user control, peer bandwidth: nothing to do for a publisher
    }
  }

  private onCommand(values: Amf0Value[], streamId: number): void {
    const [name, tx = 0, cmdObj, ...args] = values;
    const txId = typeof tx === "number" ? tx : 0;
    switch (name) {
      case "connect": {
        const obj = (cmdObj ?? {}) as Amf0Object;
        this.app = String(obj.app ?? "").replace(/\/$/, "");
        this.sendControl(MSG.windowAckSize, u32(WINDOW));
        this.sendControl(MSG.setPeerBandwidth, Buffer.concat([u32(WINDOW), Buffer.from([2])]));
        this.sendControl(MSG.setChunkSize, u32(OUT_CHUNK_SIZE));
        this.outChunkSize = OUT_CHUNK_SIZE;
        this.command(3, 0, [
          "_result",
          txId,
          { fmsVer: "FMS/3,0,1,123", capabilities: 31 },
          { level: "status", code: "NetConnection.Connect.Success", description: "Connection succeeded.", objectEncoding: 0 },
        ]);
        return;
      }
      case "releaseStream":
      case "FCPublish":
        this.command(3, 0, ["_result", txId, null, undefined]);
        return;
      case "createStream":
        this.command(3, 0, ["_result", txId, null, 1]);
        return;
      case "publish": {
        const streamName = String(args[0] ?? "");
        const verdict = this.ev.publish(this.app, streamName);
        if (!verdict.ok) {
          this.command(5, streamId, ["onStatus", 0, null, { level: "error", code: "NetStream.Publish.BadName", description: verdict.reason ?? "publish refused" }]);
          this.stage = "closed";
          this.ev.close();
          return;
        }
        this.publishing = true;
        this.sendControl(MSG.userControl, Buffer.concat([Buffer.from([0, 0]), u32(streamId)])); // StreamBegin
        this.command(5, streamId, ["onStatus", 0, null, { level: "status", code: "NetStream.Publish.Start", description: `${streamName.replace(/./g, (c, i) => (i < 8 ? c : "*"))} is now published` }]);
        return;
      }
      case "FCUnpublish":
      case "deleteStream":
      case "closeStream":
        if (this.publishing) {
          this.publishing = false;
          this.ev.unpublish();
        }
        return;
      default:
        // Unknown commands with a transaction id get an empty _result so clients do not wait.
        if (txId > 0) this.command(3, 0, ["_result", txId, null, undefined]);
        return;
    }
  }

  private outChunkSize = 128;

  private command(csid: number, streamId: number, values: Amf0Value[]): void {
    this.sendMessage(csid, MSG.commandAmf0, streamId, encodeAmf0All(values));
  }

  private sendControl(type: number, payload: Buffer): void {
    this.sendMessage(2, type, 0, payload);
  }

  /** One message as chunks: a type-0 header, then type-3 continuation headers. */
  private sendMessage(csid: number, type: number, streamId: number, payload: Buffer): void {
    const header = Buffer.alloc(12);
    header[0] = csid & 0x3f;
    header.writeUIntBE(0, 1, 3);
    header.writeUIntBE(payload.length, 4, 3);
    header[7] = type;
    header.writeUInt32LE(streamId, 8);
    const parts: Buffer[] = [header];
    for (let off = 0; off < payload.length; off += this.outChunkSize) {
      if (off > 0) parts.push(Buffer.from([0xc0 | (csid & 0x3f)]));
      parts.push(payload.subarray(off, off + this.outChunkSize));
    }
    this.ev.send(Buffer.concat(parts));
  }
}

function u32(n: number): Buffer {
  const b = Buffer.alloc(4);
  b.writeUInt32BE(n >>> 0, 0);
  return b;
}
