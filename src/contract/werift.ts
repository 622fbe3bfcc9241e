/**
 * How both WebRTC ends (the VP publisher in src/vp/webrtc.ts and the emulator's WHIP peer in src/local/whip-peer.ts)
 * load werift. It is loading a library, not a rule of the protocol, so sharing it cannot hide a client bug from the
 * emulator.
 *
 * - werift -> @peculiar/x509 -> tsyringe throws at load unless the Reflect metadata polyfill ran first. In the
 *   compiled binary Bun initialises ES-module dependencies before CommonJS ones (reflect-metadata is CommonJS), so a
 *   static `import "werift"` runs tsyringe first whatever the import order: the polyfill is awaited first. Loading
 *   lazily also keeps both off every other command's start-up.
 * - werift's ICE UDP transport adds no "error" listener to its socket. On loopback a datagram to a peer that has just
 *   closed comes back as ICMP port-unreachable, which Bun raises as an ECONNREFUSED "error" event, and an unheard
 *   "error" event crashes the process (seen as a flaky crash in test/unit/whip-media-rules.test.ts). A vanished peer
 *   is ICE's and DTLS's business (they time out), so that one code is ignored; any other socket error still throws.
 */
type Werift = typeof import("werift");

interface IceUdpTransport {
  socket: import("node:dgram").Socket;
  init(): Promise<void>;
}

let loaded: Promise<Werift> | undefined;

export function loadWerift(): Promise<Werift> {
  loaded ??= (async () => {
    await import("reflect-metadata");
    const werift = await import("werift");
    // The runtime export is the ICE transport (lib/index.mjs); the typings name the SCTP one, hence the cast.
    const proto = (werift.UdpTransport as unknown as { prototype: IceUdpTransport }).prototype;
    const init = proto.init;
    proto.init = function (this: IceUdpTransport) {
      this.socket.on("error", (e: NodeJS.ErrnoException) => {
        if (e.code !== "ECONNREFUSED") throw e;
      });
      return init.call(this);
    };
    return werift;
  })();
  return loaded;
}
