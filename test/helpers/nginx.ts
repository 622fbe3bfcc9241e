/**
 * A third-party RTMPS server for `ivsctl ingest --url` tests: nginx (foreground, own prefix and
 * config in a temp dir, free loopback ports) with an rtmp{} application behind a TLS stream{}
 * server. on_publish / on_publish_done call a small HTTP server here, which accepts one key.
 */
import type { Subprocess } from "bun";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { selfSignedCertificate } from "../../src/local/rtmp/cert.ts";

export interface NginxRtmps {
  tlsPort: number;
  rtmpPort: number;
  /** Stream names (keys) that asked to publish, accepted or not. */
  published(): string[];
  publishDone(): string[];
  stop(): Promise<void>;
}

const MODULES = "/usr/lib/nginx/modules";

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once("error", reject);
    srv.listen(0, "127.0.0.1", () => {
      const port = (srv.address() as { port: number }).port;
      srv.close(() => resolve(port));
    });
  });
}

export async function startNginxRtmps(opts: { acceptKey: string }): Promise<NginxRtmps> {
  const dir = mkdtempSync(join(tmpdir(), "ivsctl-nginx-"));
  const published: string[] = [];
  const done: string[] = [];
  const hooks = Bun.serve({
    port: 0,
    hostname: "127.0.0.1",
    async fetch(req) {
      const form = new URLSearchParams(await req.text());
      const name = form.get("name") ?? "";
      const path = new URL(req.url).pathname;
      if (path === "/publish") {
        published.push(name);
        return new Response(null, { status: name === opts.acceptKey ? 200 : 403 });
      }
      if (path === "/done") done.push(name);
      return new Response(null, { status: 200 });
    },
  });
  const [rtmpPort, tlsPort] = [await freePort(), await freePort()];
  const { cert, key } = selfSignedCertificate();
  writeFileSync(join(dir, "cert.pem"), cert);
  writeFileSync(join(dir, "key.pem"), key, { mode: 0o600 });
  writeFileSync(
    join(dir, "nginx.conf"),
    `daemon off;
worker_processes 1;
pid ${dir}/nginx.pid;
error_log ${dir}/error.log info;
load_module ${MODULES}/ngx_rtmp_module.so;
load_module ${MODULES}/ngx_stream_module.so;
events { worker_connections 64; }
rtmp {
  server {
    listen 127.0.0.1:${rtmpPort};
    application live {
      live on;
      on_publish http://127.0.0.1:${hooks.port}/publish;
      on_publish_done http://127.0.0.1:${hooks.port}/done;
    }
  }
}
stream {
  server {
    listen 127.0.0.1:${tlsPort} ssl;
    ssl_certificate ${dir}/cert.pem;
    ssl_certificate_key ${dir}/key.pem;
    ssl_protocols TLSv1.2 TLSv1.3;
    proxy_pass 127.0.0.1:${rtmpPort};
  }
}
`,
  );
  const proc: Subprocess = Bun.spawn(["nginx", "-p", dir, "-e", join(dir, "error.log"), "-c", join(dir, "nginx.conf")], { stdout: "ignore", stderr: "pipe" });
  // Ready when the TLS port accepts connections.
  const deadline = Date.now() + 10_000;
  for (;;) {
    const ok = await Bun.connect({ hostname: "127.0.0.1", port: tlsPort, socket: { data() {}, open(s) { s.end(); } } }).then(() => true, () => false);
    if (ok) break;
    if (proc.exitCode !== null || Date.now() > deadline) {
      hooks.stop(true);
      throw new Error(`nginx did not start: ${await new Response(proc.stderr as ReadableStream).text()}`);
    }
    await Bun.sleep(100);
  }
  return {
    tlsPort,
    rtmpPort,
    published: () => [...published],
    publishDone: () => [...done],
    async stop() {
      proc.kill("SIGQUIT");
      await proc.exited;
      hooks.stop(true);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
