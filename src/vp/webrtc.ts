/**
 * The only client module that knows the WebRTC stack (werift 0.25, pure TypeScript: it works inside
 * `bun build --compile`, measured in issue 15; node-datachannel would load a native addon per platform).
 * Replace this file to change stacks.
 *
 * A send-only publisher: one H.264 video and one Opus audio track. ffmpeg sends RTP to two loopback UDP
 * ports; each packet is written to its track (werift rewrites SSRC and payload type to the negotiated ones).
 */
import { createSocket, type Socket } from "node:dgram";
// werift is loaded on first use through src/contract/werift.ts (why: see there); only its types are static here.
import type { MediaStreamTrack } from "werift";
import { loadWerift } from "../contract/werift.ts";

export type PublisherState = "new" | "connecting" | "connected" | "disconnected" | "failed" | "closed";

export interface Publisher {
  /** The SDP offer, with all ICE candidates (WHIP sends no trickle by default). */
  offer(): Promise<string>;
  answer(sdp: string): Promise<void>;
  /** UDP ports on 127.0.0.1 where RTP is expected: video (H.264) and audio (Opus). */
  videoPort: number;
  audioPort: number;
  /** RTP packets written to the tracks so far. */
  sent: { video: number; audio: number };
  onState(listener: (state: PublisherState) => void): void;
  close(): Promise<void>;
}

// IVS stages take H.264 Constrained Baseline (42e01f: constrained baseline, level 3.1, enough for 720p30) and Opus.
const codecs = (RTCRtpCodecParameters: typeof import("werift").RTCRtpCodecParameters) => ({
  video: [
    new RTCRtpCodecParameters({
      mimeType: "video/H264",
      clockRate: 90000,
      rtcpFeedback: [{ type: "nack" }, { type: "nack", parameter: "pli" }],
      parameters: "profile-level-id=42e01f;packetization-mode=1;level-asymmetry-allowed=1",
    }),
  ],
  audio: [new RTCRtpCodecParameters({ mimeType: "audio/opus", clockRate: 48000, channels: 2 })],
});

async function rtpSocket(onPacket: (b: Buffer) => void): Promise<{ socket: Socket; port: number }> {
  const socket = createSocket("udp4");
  socket.on("message", onPacket);
  await new Promise<void>((resolve, reject) => {
    socket.once("error", reject);
    socket.bind(0, "127.0.0.1", () => resolve());
  });
  return { socket, port: socket.address().port };
}

export async function createPublisher(): Promise<Publisher> {
  const { RTCPeerConnection, RTCRtpCodecParameters, MediaStreamTrack } = await loadWerift();
  const pc = new RTCPeerConnection({ codecs: codecs(RTCRtpCodecParameters) });
  const video = new MediaStreamTrack({ kind: "video" });
  const audio = new MediaStreamTrack({ kind: "audio" });
  pc.addTransceiver(video, { direction: "sendonly" });
  pc.addTransceiver(audio, { direction: "sendonly" });
  const sent = { video: 0, audio: 0 };
  const write = (track: MediaStreamTrack, kind: "video" | "audio") => (b: Buffer) => {
    if (pc.connectionState !== "connected") return; // before DTLS: nothing can be sent; ffmpeg's next keyframe comes within 2 s
    try {
      track.writeRtp(b);
      sent[kind]++;
    } catch {
      // a malformed packet: drop it
    }
  };
  const v = await rtpSocket(write(video, "video"));
  const a = await rtpSocket(write(audio, "audio"));
  const listeners: ((s: PublisherState) => void)[] = [];
  const tell = (s: PublisherState) => {
    for (const l of listeners) l(s);
  };
  pc.connectionStateChange.subscribe((s) => tell(s as PublisherState));
  // A DTLS alert from the server (close_notify: the session is over) closes the DTLS transport, but werift
  // does not carry that into connectionState: without this the end is noticed only by ICE consent (30 s).
  let watchedDtls = false;
  const watchDtls = () => {
    if (watchedDtls) return;
    watchedDtls = true;
    for (const t of pc.dtlsTransports) t.onStateChange.subscribe((s) => s === "closed" && pc.connectionState === "connected" && tell("closed"));
  };
  return {
    videoPort: v.port,
    audioPort: a.port,
    sent,
    async offer() {
      await pc.setLocalDescription(await pc.createOffer());
      return pc.localDescription!.sdp;
    },
    async answer(sdp) {
      await pc.setRemoteDescription({ type: "answer", sdp });
      watchDtls();
    },
    onState: (l) => void listeners.push(l),
    async close() {
      v.socket.close();
      a.socket.close();
      await pc.close().catch(() => {});
    },
  };
}
