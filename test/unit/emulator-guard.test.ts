/**
 * The emulator refuses what a browser or a rebound DNS name sends it (issue 12, Security 2): a
 * cross-origin plain-text POST, a non-loopback Host, a non-AWS content type on the JSON protocols.
 * An in-process emulator; requests are raw HTTP so every header is exactly what a browser would send.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { request } from "node:http";
import { isLoopbackHost, isLoopbackOrigin } from "../../src/local/guard.ts";
import { startLocalServer, type LocalServer } from "../../src/local/server.ts";

let server: LocalServer;
beforeAll(async () => {
  server = await startLocalServer({ port: 0, statePath: ":memory:", rateLimits: false }); // many ListChannels in a row
});
afterAll(() => server?.stop());

interface Raw {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

/** One HTTP request with exactly these headers (fetch would normalise Host and Origin). */
function raw(method: string, path: string, headers: Record<string, string>, body = ""): Promise<Raw> {
  return new Promise((resolve, reject) => {
    const req = request({ host: "127.0.0.1", port: server.port, method, path, headers: { ...headers, ...(body ? { "content-length": String(Buffer.byteLength(body)) } : {}) } }, (res) => {
      let text = "";
      res.on("data", (d) => (text += d));
      res.on("end", () => resolve({ status: res.statusCode!, headers: res.headers, body: text }));
    });
    req.on("error", reject);
    req.end(body);
  });
}

const host = () => `127.0.0.1:${server.port}`;
const channelCount = async () => JSON.parse((await raw("POST", "/ListChannels", { host: host(), "content-type": "application/json" }, "{}")).body).channels.length as number;

describe("browser-origin and DNS-rebinding refusal", () => {
  test("a plain-text cross-origin POST creates nothing: 403 AccessDeniedException in IVS's shape", async () => {
    const before = await channelCount();
    const r = await raw("POST", "/CreateChannel", { host: host(), origin: "https://evil.example", "content-type": "text/plain;charset=UTF-8" }, JSON.stringify({ name: "pwned" }));
    expect(r.status).toBe(403);
    expect(r.headers["x-amzn-errortype"]).toBe("AccessDeniedException");
    expect(JSON.parse(r.body).message).toBe('Origin "https://evil.example" is not a loopback origin: ivsctl local refuses browser requests from other sites');
    expect(await channelCount()).toBe(before);
  });

  test("a plain-text POST without Origin is refused on REST-JSON by its content type", async () => {
    const r = await raw("POST", "/CreateChannel", { host: host(), "content-type": "text/plain" }, JSON.stringify({ name: "pwned" }));
    expect(r.status).toBe(403);
    expect(JSON.parse(r.body).message).toStartWith('Content-Type "text/plain" is not one AWS\'s REST-JSON protocol uses');
  });

  test("a rebound Host is refused, on the AWS APIs and on /_ivsctl routes", async () => {
    const api = await raw("POST", "/ListChannels", { host: `attacker.example:${server.port}`, "content-type": "application/json" }, "{}");
    expect(api.status).toBe(403);
    expect(JSON.parse(api.body).message).toBe(`Host "attacker.example:${server.port}" is not a loopback name: ivsctl local answers only localhost, 127.0.0.0/8 and [::1]`);
    const health = await raw("GET", "/_ivsctl/health", { host: "attacker.example" });
    expect(health.status).toBe(403);
    const asIp = await raw("GET", "/_ivsctl/health", { host: "10.0.0.1" });
    expect(asIp.status).toBe(403);
  });

  test("/_ivsctl/faults: a cross-origin POST adds no fault", async () => {
    const r = await raw("POST", "/_ivsctl/faults", { host: host(), origin: "http://evil.example:8080", "content-type": "text/plain" }, JSON.stringify({ code: "X", status: 500 }));
    expect(r.status).toBe(403);
    expect(JSON.parse((await raw("GET", "/_ivsctl/faults", { host: host() })).body).faults).toEqual([]);
  });

  test("JSON 1.1 (ECS, Secrets Manager) wants application/x-amz-json-1.1: 403 in the JSON 1.1 error shape", async () => {
    const r = await raw("POST", "/", { host: host(), "x-amz-target": "secretsmanager.CreateSecret", "content-type": "text/plain" }, JSON.stringify({ Name: "x", SecretString: "y" }));
    expect(r.status).toBe(403);
    expect(JSON.parse(r.body).__type).toBe("com.amazonaws.secretsmanager#AccessDeniedException");
    const ok = await raw("POST", "/", { host: host(), "x-amz-target": "secretsmanager.ListSecrets", "content-type": "application/x-amz-json-1.1" }, "{}");
    expect(ok.status).toBe(200);
  });

  test("the query protocol keeps its form body, but not from another origin: 403 in XML", async () => {
    const form = "Action=DescribeStacks&Version=2010-05-15";
    const ok = await raw("POST", "/", { host: host(), "content-type": "application/x-www-form-urlencoded" }, form);
    expect(ok.status).toBe(200);
    const r = await raw("POST", "/", { host: host(), origin: "https://evil.example", "content-type": "application/x-www-form-urlencoded" }, form);
    expect(r.status).toBe(403);
    expect(r.body).toContain("<Code>AccessDenied</Code>");
  });

  test("loopback names and origins pass, with any port", async () => {
    for (const h of [`localhost:${server.port}`, `127.0.0.1:${server.port}`, `127.1.2.3:${server.port}`, `[::1]:${server.port}`, "localhost", "LOCALHOST:1"]) {
      const r = await raw("POST", "/ListChannels", { host: h, origin: "http://localhost:3000", "content-type": "application/json" }, "{}");
      expect([h, r.status]).toEqual([h, 200]);
    }
  });
});

describe("loopback rules", () => {
  test.each([
    ["localhost", true],
    ["localhost:4599", true],
    ["127.0.0.1:80", true],
    ["127.255.255.254", true],
    ["[::1]:4599", true],
    ["[::1]", true],
    ["127.0.0.256", false],
    ["127.0.0.1.evil.example", false],
    ["localhost.evil.example", false],
    ["evil.example", false],
    ["0.0.0.0", false],
    ["[::ffff:127.0.0.1]", false],
    ["localhost:99999", false],
    ["", false],
  ])("Host %p is loopback: %p", (h, expected) => {
    expect(isLoopbackHost(h)).toBe(expected);
  });

  test.each([
    ["http://localhost:3000", true],
    ["https://127.0.0.1", true],
    ["http://[::1]:8080", true],
    ["null", false],
    ["file://", false],
    ["https://evil.example", false],
    ["http://localhost.evil.example", false],
  ])("Origin %p is loopback: %p", (o, expected) => {
    expect(isLoopbackOrigin(o)).toBe(expected);
  });
});
