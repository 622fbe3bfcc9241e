/**
 * The emulator's WHIP endpoint applies IVS's stage media rules to the RTP it receives (H.264 Baseline,
 * no B-frames, at most 720p): a breaking publisher gets a PUBLISH_ERROR event with the rule's code and is
 * disconnected (its peer connection closed); a conforming one is measured (size, profile) and left alone.
 * In-process emulator, the client's publisher module, ffmpeg as the encoder.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { startLocalServer, type LocalServer } from "../../src/local/server.ts";
import { createPublisher, type Publisher, type PublisherState } from "../../src/vp/webrtc.ts";
import { skipReason, which } from "../helpers/tools.ts";

const HAS_FFMPEG = Boolean(which("ffmpeg"));
if (!HAS_FFMPEG) skipReason("WHIP media rules", "ffmpeg");
let server: LocalServer;
let stage: { arn: string; endpoints: { whip: string } };

const api = async (op: string, body: unknown) => {
  const r = await fetch(`${server.url}/${op}`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) });
  return r.json() as Promise<any>;
};

beforeAll(async () => {
  server = await startLocalServer({ port: 0, statePath: ":memory:", rateLimits: false });
  stage = (await api("CreateStage", { name: "rules" })).stage;
});
afterAll(() => server?.stop());

/** Publishes over WHIP with ffmpeg encoding `video` (arguments before `-f rtp`) until the server closes or `seconds` pass. */
async function publish(video: string[], seconds: number): Promise<{ participantId: string; states: PublisherState[]; pub: Publisher }> {
  const { participantToken } = await api("CreateParticipantToken", { stageArn: stage.arn, capabilities: ["PUBLISH"] });
  const pub = await createPublisher();
  const states: PublisherState[] = [];
  let closed!: () => void;
  const closedP = new Promise<void>((r) => (closed = r));
  pub.onState((s) => {
    states.push(s);
    if (s === "closed" || s === "failed") closed();
  });
  const res = await fetch(stage.endpoints.whip, { method: "POST", headers: { "content-type": "application/sdp", authorization: `Bearer ${participantToken.token}` }, body: await pub.offer() });
  expect(res.status).toBe(201);
  await pub.answer(await res.text());
  for (let i = 0; i < 100 && !states.includes("connected"); i++) await Bun.sleep(20);
  const ff = Bun.spawn(["ffmpeg", "-hide_banner", "-loglevel", "error", "-re", "-f", "lavfi", "-i", "testsrc2=size=640x360:rate=30", "-t", String(seconds), ...video, "-pkt_size", "1200", "-f", "rtp", `rtp://127.0.0.1:${pub.videoPort}`], { stdout: "ignore", stderr: "ignore" });
  await Promise.race([closedP, ff.exited]);
  ff.kill();
  await ff.exited;
  return { participantId: participantToken.participantId, states, pub };
}

const inspect = async (participantId: string) => (await fetch(`${server.url}/_ivsctl/whip/${participantId}`)).json() as Promise<any>;

async function events(participantId: string, sessionId: string): Promise<{ name: string; errorCode?: string }[]> {
  return (await api("ListParticipantEvents", { stageArn: stage.arn, sessionId, participantId })).events;
}

describe.skipIf(!HAS_FFMPEG)("WHIP media rules", () => {
  test("B-frames (Main profile, -bf 2): PUBLISH_ERROR B_FRAME_PRESENT, disconnected, the client's connection closed", async () => {
    const { participantId, states, pub } = await publish(["-c:v", "libx264", "-profile:v", "main", "-bf", "2", "-g", "60"], 8);
    expect(states).toContain("closed");
    const c = await inspect(participantId);
    expect(c).toMatchObject({ state: "ended", bFrames: true });
    expect(c.endReason).toStartWith("B_FRAME_PRESENT: ");
    const names = (await events(participantId, c.sessionId)).map((e) => (e.errorCode ? `${e.name}:${e.errorCode}` : e.name));
    expect(names).toEqual(["JOINED", "PUBLISH_STARTED", "PUBLISH_ERROR:B_FRAME_PRESENT", "PUBLISH_STOPPED", "LEFT"]);
    await pub.close();
  }, 20_000);

  test("1080p: RESOLUTION_EXCEEDED, with the size read from the SPS", async () => {
    const { participantId, states, pub } = await publish(["-vf", "scale=1920:1080", "-c:v", "libx264", "-profile:v", "baseline", "-bf", "0", "-g", "60"], 8);
    expect(states).toContain("closed");
    const c = await inspect(participantId);
    expect(c).toMatchObject({ width: 1920, height: 1080, avcProfile: 66 });
    expect(c.endReason).toStartWith("RESOLUTION_EXCEEDED: 1920x1080 is above 720p");
    await pub.close();
  }, 20_000);

  test("Baseline 360p without B-frames: measured, still connected", async () => {
    const { participantId, states, pub } = await publish(["-c:v", "libx264", "-profile:v", "baseline", "-bf", "0", "-g", "30"], 2);
    expect(states).not.toContain("closed");
    const c = await inspect(participantId);
    expect(c).toMatchObject({ state: "open", width: 640, height: 360, avcProfile: 66, bFrames: false });
    expect(c.videoFrames).toBeGreaterThan(30);
    expect((await events(participantId, c.sessionId)).map((e) => e.name)).toEqual(["JOINED", "PUBLISH_STARTED"]);
    await pub.close();
  }, 20_000);
});
