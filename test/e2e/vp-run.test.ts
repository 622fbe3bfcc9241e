/**
 * `ivsctl vp run` (compiled binary, a host process with the environment `vp invite` passes) publishing
 * to the emulator's WHIP endpoint: ICE + DTLS on loopback, media counted by the emulator, SIGTERM ->
 * WHIP DELETE and exit 0, DisconnectParticipant -> DTLS close_notify and exit 5, refused tokens
 * (subscribe-only, expired, signed by a deleted key), the WHIP wire rules, and Python aiortc as an
 * independent WebRTC implementation publishing to the same endpoint.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { createPrivateKey, sign } from "node:crypto";
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { DescribeTasksCommand, ECSClient } from "@aws-sdk/client-ecs";
import { CreateBucketCommand, PutObjectCommand, S3Client } from "@aws-sdk/client-s3";
import type { Subprocess } from "bun";
import { baseEnv, BIN, ensureBinary, json } from "../helpers/cli.ts";
import { startEmulator, type LocalEmulator } from "../helpers/local.ts";
import { exec, HAS_MOTO, skipNote, skipReason, startMoto, which } from "../helpers/tools.ts";

let local: LocalEmulator;
let stage: { arn: string; endpoints: { whip: string; events: string } };
const dir = mkdtempSync(join(tmpdir(), "ivsctl-vp-run-"));
const FPS = 30;

beforeAll(async () => {
  ensureBinary();
  if (!which("ffmpeg")) throw new Error("ffmpeg is required for vp run tests");
  local = await startEmulator();
  stage = json(await local.run(["stage", "create", "--name", "vp-run", "-o", "json"])).stage;
});
afterAll(() => local?.stop());

async function token(capabilities: string): Promise<{ token: string; participantId: string }> {
  const r = await local.run(["stage", "token", stage.arn, "--capabilities", capabilities, "-o", "json"]);
  expect(r.code).toBe(0);
  return json(r).participantToken;
}

interface VpProcess {
  proc: Subprocess<"ignore", "pipe", "pipe">;
  /** JSON state lines read so far. */
  events: any[];
  /** Resolves with the first event of that name (rejects when the process exits first). */
  until(event: string): Promise<any>;
  exit: Promise<{ code: number; stderr: string }>;
}

/** `ivsctl vp run` with the container environment `vp invite` writes (src/contract/vp-env.ts). */
function startVpRun(participantToken: string, extra: Record<string, string> = {}, localMode = true): VpProcess {
  const proc = Bun.spawn([BIN, "vp", "run", ...(localMode ? ["--local"] : [])], {
    env: baseEnv({ ...(localMode ? local.env : {}), STAGE_ARN: stage.arn, PARTICIPANT_TOKEN: participantToken, WHIP_URL: stage.endpoints.whip, ASSET_NAME: "", ...extra }),
    stdin: "ignore",
    stdout: "pipe",
    stderr: "pipe",
  });
  const events: any[] = [];
  const waiters: { event: string; resolve: (e: any) => void; reject: (e: Error) => void }[] = [];
  const stdoutDone = (async () => {
    let buf = "";
    for await (const chunk of proc.stdout) {
      buf += new TextDecoder().decode(chunk);
      let nl;
      while ((nl = buf.indexOf("\n")) >= 0) {
        const line = buf.slice(0, nl);
        buf = buf.slice(nl + 1);
        if (!line.trim()) continue;
        const e = JSON.parse(line);
        events.push(e);
        for (const w of waiters.filter((w) => w.event === e.event)) w.resolve(e);
      }
    }
  })();
  const exit = (async () => {
    const [stderr, code] = await Promise.all([new Response(proc.stderr).text(), proc.exited]);
    await stdoutDone;
    for (const w of waiters) w.reject(new Error(`vp run exited ${code} before "${w.event}": ${stderr}`));
    return { code, stderr };
  })();
  return {
    proc,
    events,
    exit,
    until: (event) =>
      new Promise((resolve, reject) => {
        const seen = events.find((e) => e.event === event);
        if (seen) return resolve(seen);
        waiters.push({ event, resolve, reject });
      }),
  };
}

async function whipCounts(participantId: string): Promise<any> {
  const r = await fetch(`${local.endpoint}/_ivsctl/whip/${participantId}`);
  expect(r.status).toBe(200);
  return r.json();
}

async function participant(participantId: string): Promise<any> {
  const r = json(await local.run(["stage", "participants", stage.arn, "-o", "json"]));
  return r.participants.find((p: any) => p.participantId === participantId);
}

/** A self-signed token made here, independently of ivsctl's signer (ES384, IEEE P1363 signature, RFC 7518 3.4). */
function signToken(privateKeyPem: string, kid: string, claims: Record<string, unknown>): string {
  const b64 = (o: object) => Buffer.from(JSON.stringify(o)).toString("base64url");
  const input = `${b64({ alg: "ES384", typ: "JWT", kid })}.${b64(claims)}`;
  const signature = sign("sha384", Buffer.from(input), { key: createPrivateKey(privateKeyPem), dsaEncoding: "ieee-p1363" });
  return `${input}.${signature.toString("base64url")}`;
}

function claimsFor(participantId: string, expSeconds: number): Record<string, unknown> {
  const id = stage.arn.split("/").pop();
  return {
    exp: expSeconds,
    iat: expSeconds - 600,
    jti: participantId,
    resource: stage.arn,
    topic: id,
    events_url: stage.endpoints.events,
    whip_url: stage.endpoints.whip,
    capabilities: { allow_publish: true, allow_subscribe: true },
    version: "1.0",
  };
}

describe("vp run publishes over WHIP", () => {
  test("CONNECTED and published, frames counted at the stream's rate, SIGTERM -> DELETE, exit 0, DISCONNECTED", async () => {
    const t = await token("publish,subscribe");
    const vp = startVpRun(t.token);
    const connecting = await vp.until("connecting");
    expect(connecting).toMatchObject({ stageArn: stage.arn, participantId: t.participantId, asset: "test-pattern", whipUrl: stage.endpoints.whip });
    expect(JSON.stringify(connecting)).not.toContain(t.token);
    await vp.until("published");
    const p = await participant(t.participantId);
    expect(p).toMatchObject({ state: "CONNECTED", published: true });
    // Media flows for a few seconds; the emulator's count follows the encoder's frame rate.
    await Bun.sleep(3_000);
    const c = await whipCounts(t.participantId);
    expect(c).toMatchObject({ state: "open", videoCodec: "video/H264", audioCodec: "audio/opus" });
    const seconds = (Date.now() - Date.parse(c.firstMediaAt)) / 1000;
    expect(c.videoFrames).toBeGreaterThan(FPS * seconds * 0.7);
    expect(c.videoFrames).toBeLessThan(FPS * seconds * 1.3 + 10);
    expect(c.keyframes).toBeGreaterThanOrEqual(1); // an IDR every 2 s
    expect(c.audioPackets).toBeGreaterThan(0);
    vp.proc.kill("SIGTERM");
    const { code } = await vp.exit;
    expect(code).toBe(0);
    expect(vp.events.at(-1)).toMatchObject({ event: "left", reason: "SIGTERM" });
    expect(vp.events.map((e) => e.event)).toEqual(["connecting", "connected", "published", "left"]);
    expect((await participant(t.participantId)).state).toBe("DISCONNECTED");
    const after = await whipCounts(t.participantId);
    expect(after).toMatchObject({ state: "ended", endReason: "the client ended the session (DELETE)" });
  }, 30_000);

  test("DisconnectParticipant ends the WHIP session: vp run exits 5 with the reason within 5 s", async () => {
    const t = await token("publish,subscribe");
    const vp = startVpRun(t.token);
    await vp.until("published");
    const d = await local.run(["stage", "disconnect", stage.arn, t.participantId, "--reason", "test"]);
    expect(d.code).toBe(0);
    const exited = await Promise.race([vp.exit, Bun.sleep(5_000).then(() => undefined)]);
    if (!exited) vp.proc.kill("SIGKILL");
    expect(exited?.code).toBe(5);
    expect(exited?.stderr).toContain("the session ended: the server closed the session (DTLS close_notify)");
    expect(vp.events.at(-1)).toMatchObject({ event: "error", code: "SessionEnded" });
  }, 30_000);

  test("a file asset is published (looped) the same way", async () => {
    const file = join(dir, "clip.mp4");
    const made = await exec(["ffmpeg", "-hide_banner", "-loglevel", "error", "-f", "lavfi", "-i", "testsrc2=size=1920x1080:rate=25", "-f", "lavfi", "-i", "sine=frequency=440:sample_rate=44100", "-t", "1", "-c:v", "libx264", "-c:a", "aac", "-y", file]);
    expect(made.code).toBe(0);
    const t = await token("publish");
    const vp = startVpRun(t.token, { ASSET_NAME: file });
    expect((await vp.until("connecting")).asset).toBe(file);
    await vp.until("published");
    await Bun.sleep(1_500); // longer than the 1 s clip: it loops
    vp.proc.kill("SIGTERM");
    expect((await vp.exit).code).toBe(0);
    const c = await whipCounts(t.participantId);
    expect(c.videoFrames).toBeGreaterThan(FPS); // the 25 fps clip is resampled to 30 fps
    expect(c.audioPackets).toBeGreaterThan(0);
  }, 30_000);
});

describe("vp run's protocol duties", () => {
  test("a 307 from the WHIP URL is followed by hand, keeping Authorization (fetch would drop it cross-origin)", async () => {
    const t = await token("publish");
    const seen: { method: string; auth: string | null }[] = [];
    // Another origin (port) that redirects, as IVS's global WHIP endpoint does.
    const redirector = Bun.serve({
      port: 0,
      hostname: "127.0.0.1",
      fetch(req) {
        seen.push({ method: req.method, auth: req.headers.get("authorization") });
        return new Response(null, { status: 307, headers: { location: stage.endpoints.whip } });
      },
    });
    try {
      const vp = startVpRun(t.token, { WHIP_URL: `http://127.0.0.1:${redirector.port}/` });
      await vp.until("published");
      vp.proc.kill("SIGTERM");
      expect((await vp.exit).code).toBe(0);
      expect(seen).toEqual([{ method: "POST", auth: `Bearer ${t.token}` }]);
      // The emulator verified the same token on the redirected POST.
      expect((await whipCounts(t.participantId)).videoFrames).toBeGreaterThan(0);
    } finally {
      redirector.stop(true);
    }
  }, 30_000);

  test("ICE that never connects (the answer's candidates lead nowhere): exit 5 IceFailed, and the session is deleted", async () => {
    const t = await token("publish");
    // A WHIP front that passes the offer on and the answer back, with every candidate's port rewritten to one
    // nobody listens on: neither side can reach the other (not even through peer-reflexive candidates).
    const dead = Bun.listen({ hostname: "127.0.0.1", port: 0, socket: { data() {} } });
    const deadPort = dead.port;
    dead.stop(true);
    let location = "";
    const front = Bun.serve({
      port: 0,
      hostname: "127.0.0.1",
      async fetch(req) {
        const deaden = (sdp: string) => sdp.replace(/^(a=candidate:\S+ \d+ udp \d+ \S+ )\d+/gim, `$1${deadPort}`).replace(/^(m=\w+ )\d+/gm, `$1${deadPort}`);
        const res = await fetch(stage.endpoints.whip, { method: req.method, headers: req.headers, body: deaden(await req.text()) });
        location = new URL(res.headers.get("location")!, stage.endpoints.whip).toString();
        const answer = deaden(await res.text());
        return new Response(answer, { status: res.status, headers: { "content-type": "application/sdp", location } });
      },
    });
    try {
      const vp = startVpRun(t.token, { WHIP_URL: `http://127.0.0.1:${front.port}/` });
      const { code, stderr } = await vp.exit;
      expect(code).toBe(5);
      expect(stderr).toContain("ICE/DTLS did not connect within 10 s");
      expect(vp.events.map((e) => e.event)).toEqual(["connecting", "error"]);
      expect(vp.events.at(-1)).toMatchObject({ code: "IceFailed" });
      // vp run DELETEd the session it could not use: the participant is not left CONNECTED.
      expect((await participant(t.participantId))?.state).toBe("DISCONNECTED");
    } finally {
      front.stop(true);
    }
  }, 30_000);

  test("SIGTERM while the offer is in flight: the session is still DELETEd, exit 0", async () => {
    const t = await token("publish");
    let arrived!: () => void;
    const posted = new Promise<void>((r) => (arrived = r));
    // A WHIP front that answers one second late.
    const front = Bun.serve({
      port: 0,
      hostname: "127.0.0.1",
      async fetch(req) {
        arrived();
        await Bun.sleep(1_000);
        const res = await fetch(stage.endpoints.whip, { method: "POST", headers: req.headers, body: await req.text() });
        return new Response(await res.text(), { status: res.status, headers: { "content-type": "application/sdp", location: new URL(res.headers.get("location")!, stage.endpoints.whip).toString() } });
      },
    });
    try {
      const vp = startVpRun(t.token, { WHIP_URL: `http://127.0.0.1:${front.port}/` });
      await posted;
      vp.proc.kill("SIGTERM");
      expect((await vp.exit).code).toBe(0);
      expect(vp.events.at(-1)).toMatchObject({ event: "left", reason: "SIGTERM" });
      expect((await participant(t.participantId))?.state).toBe("DISCONNECTED");
    } finally {
      front.stop(true);
    }
  }, 30_000);

  test("the token expiring during the session ends it: exit 5 with the reason", async () => {
    const keyFile = join(dir, "expiry.pem");
    const rot = json(await local.run(["keys", "rotate", "--private-key-file", keyFile, "-o", "json"]));
    const exp = Math.floor(Date.now() / 1000) + 3;
    const vp = startVpRun(signToken(readFileSync(keyFile, "utf8"), rot.publicKeyArn, claimsFor("expiring-1", exp)));
    await vp.until("published");
    const { code, stderr } = await vp.exit;
    expect(code).toBe(5);
    expect(stderr).toContain("the participant token expired");
    expect(vp.events.at(-1)).toMatchObject({ event: "error", code: "TokenExpired" });
    expect((await whipCounts("expiring-1")).endReason).toBe("the client ended the session (DELETE)");
  }, 30_000);
});

describe("S3 assets (moto as S3)", () => {
  if (!HAS_MOTO) skipReason("vp run with s3:// assets", "moto_server");
  test.skipIf(!HAS_MOTO)("s3://bucket/key and a bare name under ASSET_BASE are downloaded and published; a missing object is exit 4", async () => {
    const moto = await startMoto();
    try {
      const s3 = new S3Client({ region: "us-east-1", endpoint: moto.endpoint, forcePathStyle: true, credentials: { accessKeyId: "a", secretAccessKey: "b" } });
      await s3.send(new CreateBucketCommand({ Bucket: "vp-assets" }));
      const clip = join(dir, "s3-clip.mp4");
      const made = await exec(["ffmpeg", "-hide_banner", "-loglevel", "error", "-f", "lavfi", "-i", "testsrc2=size=320x240:rate=30", "-f", "lavfi", "-i", "sine=frequency=440:sample_rate=48000", "-t", "2", "-c:v", "libx264", "-c:a", "aac", "-y", clip]);
      expect(made.code).toBe(0);
      await s3.send(new PutObjectCommand({ Bucket: "vp-assets", Key: "clips/talk.mp4", Body: readFileSync(clip) }));
      // vp run in a container talks to real AWS (no --local): here S3 is moto, through the SDK's own AWS_ENDPOINT_URL_S3.
      const awsEnv = { AWS_ENDPOINT_URL_S3: moto.endpoint, AWS_ACCESS_KEY_ID: "a", AWS_SECRET_ACCESS_KEY: "b", AWS_REGION: "us-east-1" };
      const cases: Record<string, string>[] = [{ ASSET_NAME: "s3://vp-assets/clips/talk.mp4" }, { ASSET_NAME: "talk.mp4", ASSET_BASE: "s3://vp-assets/clips/" }];
      for (const extra of cases) {
        const t = await token("publish");
        const vp = startVpRun(t.token, { ...awsEnv, ...extra }, false);
        expect((await vp.until("connecting")).asset).toBe(extra.ASSET_NAME);
        await vp.until("published");
        await Bun.sleep(500);
        vp.proc.kill("SIGTERM");
        expect((await vp.exit).code).toBe(0);
        const c = await whipCounts(t.participantId);
        expect(c).toMatchObject({ width: 320, height: 240 });
        expect(c.audioPackets).toBeGreaterThan(0);
      }
      const missing = startVpRun((await token("publish")).token, { ...awsEnv, ASSET_NAME: "s3://vp-assets/clips/nope.mp4" }, false);
      const m = await missing.exit;
      expect(m.code).toBe(4);
      expect(m.stderr).toContain("downloading the asset s3://vp-assets/clips/nope.mp4");
      expect(missing.events).toEqual([]); // refused before connecting
    } finally {
      moto.stop();
    }
  }, 60_000);
});

describe("refusals: exit 3 with the reason, before any media", () => {
  test("a subscribe-only token cannot publish (WHIP 403)", async () => {
    const t = await token("subscribe");
    const vp = startVpRun(t.token);
    const { code, stderr } = await vp.exit;
    expect(code).toBe(3);
    expect(stderr).toContain("WHIP 403: the token was refused");
    expect(stderr).toContain("does not allow publishing");
    expect(vp.events.map((e) => e.event)).toEqual(["connecting", "error"]);
    expect(await participant(t.participantId)).toBeUndefined();
  }, 20_000);

  test("an expired token (WHIP 401) and a token signed by a deleted key (WHIP 401)", async () => {
    const keyFile = join(dir, "signing.pem");
    const rot = json(await local.run(["keys", "rotate", "--private-key-file", keyFile, "-o", "json"]));
    const pem = readFileSync(keyFile, "utf8");
    const now = Math.floor(Date.now() / 1000);
    const expired = startVpRun(signToken(pem, rot.publicKeyArn, claimsFor("expired-1", now - 60)));
    const e = await expired.exit;
    expect(e.code).toBe(3);
    expect(e.stderr).toMatch(/WHIP 401: the token was refused: .*expired/i);

    // The same key signs a valid token: accepted while the key exists...
    const valid = signToken(pem, rot.publicKeyArn, claimsFor("deleted-key-1", now + 3600));
    const ok = startVpRun(valid);
    await ok.until("published");
    ok.proc.kill("SIGTERM");
    expect((await ok.exit).code).toBe(0);
    // ...and refused once the key is deleted.
    expect((await local.run(["keys", "delete", rot.publicKeyArn, "--force", "--yes"])).code).toBe(0);
    const gone = startVpRun(signToken(pem, rot.publicKeyArn, claimsFor("deleted-key-2", now + 3600)));
    const g = await gone.exit;
    expect(g.code).toBe(3);
    expect(g.stderr).toContain("WHIP 401: the token was refused");
  }, 30_000);

  test("a token for another stage is a usage error (exit 2) before any request", async () => {
    const t = await token("publish");
    const vp = startVpRun(t.token, { STAGE_ARN: "arn:aws:ivs:us-east-1:123456789012:stage/AbCdEf012345" });
    const { code, stderr } = await vp.exit;
    expect(code).toBe(2);
    expect(stderr).toContain(`the token is for stage ${stage.arn}, not arn:aws:ivs:us-east-1:123456789012:stage/AbCdEf012345`);
  });

  test("no token: exit 3", async () => {
    const vp = startVpRun("");
    const { code, stderr } = await vp.exit;
    expect(code).toBe(3);
    expect(stderr).toContain("no participant token: set PARTICIPANT_TOKEN or pass --token-file");
  });
});

describe("the WHIP endpoint's wire rules (RFC 9725)", () => {
  test("415 without application/sdp, 401 without a Bearer token, 404 for an unknown stage or session, 405 for PATCH", async () => {
    const t = await token("publish");
    const post = (url: string, headers: Record<string, string>) => fetch(url, { method: "POST", headers, body: "v=0\r\n" });
    expect((await post(stage.endpoints.whip, { "content-type": "application/json", authorization: `Bearer ${t.token}` })).status).toBe(415);
    const noAuth = await post(stage.endpoints.whip, { "content-type": "application/sdp" });
    expect(noAuth.status).toBe(401);
    expect(noAuth.headers.get("www-authenticate")).toStartWith("Bearer");
    const bad = await post(stage.endpoints.whip, { "content-type": "application/sdp", authorization: "Bearer not.a.jwt" });
    expect(bad.status).toBe(401);
    expect(bad.headers.get("www-authenticate")).toContain('error="invalid_token"');
    expect((await post(`${local.endpoint}/_ivsctl/stages/whip/AbCdEf012345`, { "content-type": "application/sdp", authorization: `Bearer ${t.token}` })).status).toBe(404);
    // Not an SDP offer: 400, and the participant does not stay connected.
    const notSdp = await post(stage.endpoints.whip, { "content-type": "application/sdp", authorization: `Bearer ${t.token}` });
    expect(notSdp.status).toBe(400);
    expect(await participant(t.participantId)).toMatchObject({ state: "DISCONNECTED" });
    // IVS takes H.264 video only: an offer of VP8 alone is refused.
    const vp8 = ["v=0", "o=- 1 1 IN IP4 127.0.0.1", "s=-", "t=0 0", "m=video 9 UDP/TLS/RTP/SAVPF 96", "c=IN IP4 0.0.0.0", "a=rtpmap:96 VP8/90000", "a=sendonly", ""].join("\r\n");
    const refused = await fetch(stage.endpoints.whip, { method: "POST", headers: { "content-type": "application/sdp", authorization: `Bearer ${t.token}` }, body: vp8 });
    expect(refused.status).toBe(400);
    expect(((await refused.json()) as any).error).toContain("H.264");
    expect((await fetch(`${stage.endpoints.whip}/sessions/00ff`, { method: "DELETE" })).status).toBe(404);
    expect((await fetch(`${stage.endpoints.whip}/sessions/00ff`, { method: "PATCH" })).status).toBe(405);
  });
});

describe("an independent WebRTC peer (Python aiortc)", () => {
  // Debian's python3-aiortc installs for /usr/bin/python3, which may not be the python3 first on PATH.
  const python = ["python3", "/usr/bin/python3"].find((p) => Bun.spawnSync([p, "-c", "import aiortc"], { stderr: "ignore" }).exitCode === 0);
  if (!python) skipNote("aiortc publishing to the emulator's WHIP endpoint", "python3 cannot import aiortc (Debian: apt-get install python3-aiortc)");
  test.skipIf(!python)("aiortc publishes H.264 + Opus over WHIP; the emulator counts every frame it sent", async () => {
    const t = await token("publish");
    const r = await exec([python!, join(import.meta.dir, "..", "helpers", "whip-aiortc.py"), stage.endpoints.whip, "3"], { WHIP_TOKEN: t.token });
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout.trim().split("\n").at(-1)!);
    expect(out.status).toBe(201);
    const c = await whipCounts(t.participantId);
    expect(c).toMatchObject({ state: "ended", endReason: "the client ended the session (DELETE)", videoCodec: "video/H264", audioCodec: "audio/opus" });
    // Frames still in flight when DELETE arrived may be lost: at most a few.
    expect(c.videoFrames).toBeGreaterThan(out.framesSent - 10);
    expect(c.videoFrames).toBeLessThanOrEqual(out.framesSent);
    expect(c.audioPackets).toBeGreaterThan(0);
    expect((await participant(t.participantId))).toMatchObject({ state: "DISCONNECTED", published: true });
  }, 30_000);
});

test("IVSCTL_LOCAL_VP other than process or simulated: the emulator does not start (exit 3, says which values)", async () => {
  const r = Bun.spawnSync([BIN, "local", "start", "--port", "0", "--state", ":memory:"], { env: baseEnv({ IVSCTL_LOCAL_VP: "bogus" }), stdout: "pipe", stderr: "pipe", timeout: 15_000 });
  expect(r.exitCode).toBe(3);
  expect(r.stderr.toString()).toContain('IVSCTL_LOCAL_VP must be "process" (run `ivsctl vp run` per VP task, the default) or "simulated" (in-process join, no media), not "bogus"');
});

describe("the emulator's ECS runs `ivsctl vp run` per VP task (IVSCTL_LOCAL_VP=process, the default)", () => {
  let ecsLocal: LocalEmulator;
  beforeAll(async () => {
    ecsLocal = await startEmulator({ IVSCTL_LOCAL_VP: "process", IVSCTL_LOCAL_ECS_STEP_MS: "100" });
  });
  afterAll(() => ecsLocal?.stop());
  const STACK = ["--stack", "ivsctl-local"];
  async function describeTask(taskArn: string) {
    const ecs = new ECSClient({ region: "us-east-1", endpoint: ecsLocal.endpoint, credentials: { accessKeyId: "a", secretAccessKey: "b" } });
    const { tasks } = await ecs.send(new DescribeTasksCommand({ cluster: "ivsctl-local-cluster", tasks: [taskArn] }));
    return tasks![0]!;
  }

  async function untilTrue(what: string, check: () => Promise<boolean>): Promise<void> {
    for (let i = 0; i < 150; i++) {
      if (await check()) return;
      await Bun.sleep(100);
    }
    throw new Error(`never: ${what}`);
  }

  test("vp invite --wait: the task's process publishes (frames counted); vp kick: the process leaves and exits, DISCONNECTED", async () => {
    const created = json(await ecsLocal.run(["stage", "create", "--name", "ecs-vp", "-o", "json"])).stage;
    const inv = await ecsLocal.run(["vp", "invite", "ecs-vp", "--wait", ...STACK, "-o", "json"]);
    expect(inv.code).toBe(0);
    const out = json(inv);
    expect(out.participantState).toBe("CONNECTED");
    const inspect = async () => (await fetch(`${ecsLocal.endpoint}/_ivsctl/whip/${out.participantId}`)).json() as Promise<any>;
    await untilTrue("30 frames received from the VP task", async () => ((await inspect()).videoFrames ?? 0) >= 30);
    const participants = json(await ecsLocal.run(["stage", "participants", created.arn, "-o", "json"])).participants;
    expect(participants.find((p: any) => p.participantId === out.participantId)).toMatchObject({ state: "CONNECTED", published: true });

    const kick = await ecsLocal.run(["vp", "kick", "ecs-vp", ...STACK]);
    expect(kick.code).toBe(0);
    await untilTrue("the WHIP session ended", async () => (await inspect()).state === "ended");
    // `vp kick` also disconnects the participant, so the process may see the server's close_notify before
    // its SIGTERM: either way the session is over and the participant DISCONNECTED.
    expect(["the client ended the session (DELETE)", "the participant was disconnected"]).toContain((await inspect()).endReason);
    const after = json(await ecsLocal.run(["stage", "participants", created.arn, "-o", "json"])).participants;
    expect(after.find((p: any) => p.participantId === out.participantId)?.state).toBe("DISCONNECTED");
    // The container reports the process's real exit: 0 after SIGTERM, 5 when the disconnect came first.
    let exitCode: number | undefined;
    await untilTrue("the container's exit code", async () => (exitCode = (await describeTask(out.task.taskArn)).containers![0]!.exitCode) !== undefined && [0, 5].includes(exitCode));
    expect(exitCode === 0 || exitCode === 5).toBe(true);
  }, 60_000);

  test("a task whose process ends by itself stops the task with the process's exit code and reason", async () => {
    const created = json(await ecsLocal.run(["stage", "create", "--name", "ecs-vp-2", "-o", "json"])).stage;
    const inv = json(await ecsLocal.run(["vp", "invite", "ecs-vp-2", "--wait", ...STACK, "-o", "json"]));
    const inspect = async () => (await fetch(`${ecsLocal.endpoint}/_ivsctl/whip/${inv.participantId}`)).json() as Promise<any>;
    await untilTrue("media from the VP task", async () => ((await inspect()).videoFrames ?? 0) > 0);
    // The server ends the session: the process exits 5, and ECS shows the container's exit.
    expect((await ecsLocal.run(["stage", "disconnect", created.arn, inv.participantId])).code).toBe(0);
    let task: any;
    await untilTrue("the task STOPPED", async () => {
      const list = json(await ecsLocal.run(["vp", "list", "--stage", "ecs-vp-2", "--all", ...STACK, "-o", "json"]));
      task = list.virtualParticipants.find((t: any) => t.taskArn === inv.task.taskArn);
      return task?.status === "STOPPED";
    });
    const t = await describeTask(inv.task.taskArn);
    expect(t.stopCode).toBe("EssentialContainerExited");
    expect(t.containers![0]!.exitCode).toBe(5);
    expect(t.containers![0]!.reason).toContain("the session ended: the server closed the session (DTLS close_notify)");
  }, 60_000);
});
