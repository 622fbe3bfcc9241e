/**
 * The emulator's WHIP peer in-process, against the client's own publisher module: a close reaches the
 * client through DTLS close_notify, and a client that never completes ICE ends the session by itself.
 * (Both ends are werift here; test/e2e/vp-run.test.ts also publishes with Python aiortc.)
 */
import { expect, test } from "bun:test";
import { answerWhipOffer } from "../../src/local/whip-peer.ts";
import { createPublisher, type PublisherState } from "../../src/vp/webrtc.ts";

test("closing the server's peer closes the client's connection (DTLS close_notify, not the 30 s ICE consent timeout)", async () => {
  const pub = await createPublisher();
  const states: PublisherState[] = [];
  const closed = new Promise<void>((resolve) => pub.onState((s) => (states.push(s), s === "closed" && resolve())));
  const peer = await answerWhipOffer(await pub.offer());
  await pub.answer(peer.answerSdp);
  for (let i = 0; i < 100 && !states.includes("connected"); i++) await Bun.sleep(20);
  expect(states).toContain("connected");
  await peer.close();
  // The ICE consent timeout is 30 s: 3 s is far inside it.
  const noticed = await Promise.race([closed.then(() => true), Bun.sleep(3_000).then(() => false)]);
  expect(noticed).toBe(true);
  await pub.close();
});

test("a client whose ICE never completes: the session ends with the reason after the connect timeout", async () => {
  const pub = await createPublisher();
  // The offer's candidates lead nowhere (port 9 on a non-routable documentation address, RFC 5737).
  const offer = (await pub.offer()).replace(/^(a=candidate:\S+ \d+ udp \d+ )\S+ \d+/gim, "$1192.0.2.1 9");
  const peer = await answerWhipOffer(offer, { connectTimeoutMs: 500 });
  const reason = await new Promise<string>((resolve) => peer.onEnded(resolve));
  expect(reason).toBe("ICE and DTLS did not complete within 0.5 s");
  await peer.close();
  await pub.close();
});
