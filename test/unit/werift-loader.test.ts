/**
 * src/contract/werift.ts: werift's ICE UDP socket survives a peer that has gone away (ECONNREFUSED from ICMP
 * port-unreachable on loopback), and still throws any other socket error. Without the loader's listener, the first
 * emit below throws "Unhandled error" and crashes the process it runs in.
 */
import { expect, test } from "bun:test";
import { loadWerift } from "../../src/contract/werift.ts";

const socketError = (code: string) => Object.assign(new Error(`recvmsg ${code}`), { code });

test("an ICE UDP transport ignores ECONNREFUSED and rethrows other socket errors", async () => {
  const werift = await loadWerift();
  expect(await loadWerift()).toBe(werift); // patched once, however many callers
  type Transport = { socket: import("node:dgram").Socket; close(): Promise<void> };
  const UdpTransport = werift.UdpTransport as unknown as { init(type: "udp4"): Promise<Transport> };
  const transport = await UdpTransport.init("udp4");
  try {
    expect(transport.socket.listenerCount("error")).toBe(1);
    expect(() => transport.socket.emit("error", socketError("ECONNREFUSED"))).not.toThrow();
    expect(() => transport.socket.emit("error", socketError("EACCES"))).toThrow("recvmsg EACCES");
  } finally {
    await transport.close();
  }
});
