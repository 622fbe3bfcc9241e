/**
 * `ivsctl vp run`: the VP container's entrypoint. It reads the environment contract that `vp invite`
 * writes (src/contract/vp-env.ts), publishes the asset to the stage over WHIP (RFC 9725, IVS real-time
 * user guide "WHIP") and stays until it is stopped (SIGTERM: WHIP DELETE, exit 0), the server ends the
 * session (exit 5 with the reason), or the token expires (exit 5).
 *
 * stdout: one JSON line per state change: connecting, connected, published, left, error.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { basename, join } from "node:path";
import type { Context } from "../cli/context.ts";
import { CliError, configError, stateError, toCliError, usageError } from "../cli/errors.ts";
import { ExitCode } from "../cli/exit-codes.ts";
import { VP_ENV } from "../contract/vp-env.ts";
import { findFfmpeg } from "../ingest/ffmpeg.ts";
import { decodeJwt } from "../tokens/decode.ts";
import { createPublisher, type Publisher } from "./webrtc.ts";
import { VP_ASSET_BASE_ENV } from "../contract/vp-env.ts";

export interface VpRunOptions {
  /** The stage ARN (STAGE_ARN): when given, the token must be for it. */
  stageArn?: string;
  /** A file holding the participant token; otherwise PARTICIPANT_TOKEN. */
  tokenFile?: string;
  /** ASSET_NAME: a file path (`/…`, `./…`), an `s3://bucket/key` URL, or a name under ASSET_BASE; empty: the test pattern with a 1 kHz tone. */
  asset?: string;
  /** WHIP_URL; otherwise the token's whip_url claim. */
  whipUrl?: string;
}

/** IVS stage media rules (IVS real-time user guide, "Stage media requirements"; issue 15): at most 720p, IDR every 2 s. */
const FPS = 30;
const MAX_WIDTH = 1280;
const MAX_HEIGHT = 720;
/** How long ICE + DTLS may take after the answer before it is an ICE failure. */
const CONNECT_TIMEOUT_MS = 10_000;
/** WHIP redirects followed by hand (real IVS answers the first POST with 307). */
const MAX_REDIRECTS = 3;

function readToken(ctx: Context, o: VpRunOptions): string {
  if (o.tokenFile) {
    try {
      return readFileSync(o.tokenFile, "utf8").trim();
    } catch (e) {
      throw configError(`cannot read the token file ${o.tokenFile}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
    }
  }
  const t = ctx.env[VP_ENV.token]?.trim();
  if (!t) throw configError(`no participant token: set ${VP_ENV.token} or pass --token-file`);
  return t;
}

/** Where a bare ASSET_NAME lives (src/contract/vp-env.ts). */
export const ASSET_BASE_ENV = VP_ASSET_BASE_ENV;

export type AssetSource = { kind: "pattern" } | { kind: "file"; path: string } | { kind: "s3"; bucket: string; key: string };

function parseS3(url: string, what: string): { bucket: string; key: string } {
  const m = /^s3:\/\/([a-z0-9][a-z0-9.-]{1,61}[a-z0-9])\/(.*)$/.exec(url);
  if (!m) throw configError(`${what} ${JSON.stringify(url)} is not an s3://bucket/key URL`);
  return { bucket: m[1]!, key: m[2]! };
}

/** What ASSET_NAME names (pure): the test pattern (empty), a file path, an S3 object, or a name under ASSET_BASE. */
export function assetSource(asset: string, assetBase: string | undefined): AssetSource {
  if (!asset) return { kind: "pattern" };
  if (/^(\/|\.\.?\/)/.test(asset)) return { kind: "file", path: asset };
  if (asset.startsWith("s3://")) {
    const o = parseS3(asset, "asset");
    if (!o.key || o.key.endsWith("/")) throw configError(`asset ${asset} names no object`);
    return { kind: "s3", ...o };
  }
  if (!assetBase) throw configError(`asset ${JSON.stringify(asset)} is a name: set ${ASSET_BASE_ENV}=s3://bucket/prefix/ to say where it lives, or give a path (./…) or an s3:// URL`);
  const base = parseS3(assetBase, ASSET_BASE_ENV);
  const prefix = base.key === "" || base.key.endsWith("/") ? base.key : `${base.key}/`;
  return { kind: "s3", bucket: base.bucket, key: `${prefix}${asset}` };
}

/** The asset as a local file ("" for the test pattern): S3 objects are downloaded first (then `cleanup` removes them). */
async function localAsset(ctx: Context, src: AssetSource): Promise<{ file: string; cleanup: () => void }> {
  if (src.kind === "pattern") return { file: "", cleanup: () => {} };
  if (src.kind === "file") {
    if (!existsSync(src.path)) throw configError(`asset ${src.path} does not exist`);
    return { file: src.path, cleanup: () => {} };
  }
  const { GetObjectCommand } = await import("@aws-sdk/client-s3");
  const s3 = await ctx.aws.s3();
  let bytes: Uint8Array;
  try {
    const out = await s3.send(new GetObjectCommand({ Bucket: src.bucket, Key: src.key }));
    bytes = await out.Body!.transformToByteArray();
  } catch (e) {
    throw toCliError(e, `downloading the asset s3://${src.bucket}/${src.key}`);
  }
  const dir = mkdtempSync(join(tmpdir(), "ivsctl-vp-asset-"));
  const file = join(dir, basename(src.key) || "asset");
  writeFileSync(file, bytes);
  return { file, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

/** ffmpeg inputs for the asset: a local file (looped) or, for "", the test pattern with a tone. */
export function assetInputs(file: string): string[] {
  if (!file) {
    return ["-re", "-f", "lavfi", "-i", `testsrc2=size=640x360:rate=${FPS}`, "-re", "-f", "lavfi", "-i", "sine=frequency=1000:sample_rate=48000"];
  }
  return ["-re", "-stream_loop", "-1", "-i", file];
}

/**
 * The ffmpeg arguments: H.264 Constrained Baseline (x264 baseline has no B-frames, FMO or ASO), no
 * B-frames, an IDR every 2 s without scene-cut keyframes, at most 720p at 30 fps, plus Opus 48 kHz
 * stereo, each as RTP to its loopback port. RTP packets stay under 1200 bytes so SRTP fits a 1500 MTU.
 */
export function vpFfmpegArgs(asset: string, videoPort: number, audioPort: number): string[] {
  const gop = String(FPS * 2);
  const audioInput = asset ? "0:a:0" : "1:a:0";
  return [
    "-hide_banner", "-loglevel", "error", "-nostdin",
    ...assetInputs(asset),
    "-map", "0:v:0",
    "-vf", `scale='min(${MAX_WIDTH},iw)':'min(${MAX_HEIGHT},ih)':force_original_aspect_ratio=decrease,scale=trunc(iw/2)*2:trunc(ih/2)*2,fps=${FPS},format=yuv420p`,
    "-c:v", "libx264", "-profile:v", "baseline", "-level:v", "3.1", "-preset", "veryfast", "-tune", "zerolatency",
    "-bf", "0", "-g", gop, "-keyint_min", gop, "-sc_threshold", "0",
    "-b:v", "1500k", "-maxrate", "1500k", "-bufsize", "1500k",
    "-payload_type", "96", "-pkt_size", "1200", "-f", "rtp", `rtp://127.0.0.1:${videoPort}`,
    "-map", audioInput, "-c:a", "libopus", "-ar", "48000", "-ac", "2", "-b:a", "96k",
    "-payload_type", "111", "-pkt_size", "1200", "-f", "rtp", `rtp://127.0.0.1:${audioPort}`,
  ];
}

/** POST the offer; follows redirects by hand so Authorization survives a cross-origin 307 (fetch drops it). */
async function postOffer(url: string, token: string, offer: string): Promise<{ res: Response; url: string }> {
  let target = url;
  for (let hop = 0; ; hop++) {
    const res = await fetch(target, {
      method: "POST",
      redirect: "manual",
      headers: { "content-type": "application/sdp", authorization: `Bearer ${token}` },
      body: offer,
    });
    const location = res.headers.get("location");
    if ((res.status === 307 || res.status === 308) && location) {
      if (hop >= MAX_REDIRECTS) throw stateError(`WHIP: more than ${MAX_REDIRECTS} redirects`, "WhipRedirects");
      target = new URL(location, target).toString();
      continue;
    }
    return { res, url: target };
  }
}

async function reasonOf(res: Response): Promise<string> {
  const text = (await res.text().catch(() => "")).trim();
  try {
    const j = JSON.parse(text);
    if (j && typeof j.error === "string") return j.error;
  } catch {
    // not JSON
  }
  return text.split("\n")[0]!.slice(0, 300) || res.statusText;
}

export async function runVp(ctx: Context, o: VpRunOptions): Promise<void> {
  const started = performance.now();
  const elapsedMs = () => Math.round(performance.now() - started);
  const emit = (event: string, fields: Record<string, unknown> = {}) => {
    const doc = { event, at: new Date(ctx.now()).toISOString(), elapsedMs: elapsedMs(), ...fields };
    ctx.out.line(doc, JSON.stringify(doc));
  };

  const token = readToken(ctx, o);
  const claims = decodeJwt(token).claims;
  const stageArn = o.stageArn || undefined;
  if (stageArn && typeof claims.resource === "string" && claims.resource !== stageArn) {
    throw usageError(`the token is for stage ${claims.resource}, not ${stageArn}`);
  }
  const whipUrl = o.whipUrl || (typeof claims.whip_url === "string" ? claims.whip_url : undefined);
  if (!whipUrl) throw configError(`no WHIP endpoint: set ${VP_ENV.whipUrl} (the stage's endpoints.whip); the token has no whip_url claim`);
  const assetName = o.asset ?? "";
  const source = assetSource(assetName, ctx.env[ASSET_BASE_ENV] || undefined); // checked before anything connects
  const ffmpegPath = findFfmpeg(ctx.env);
  if (!ffmpegPath) throw new CliError("ffmpeg is not installed (or not on PATH)", { exitCode: ExitCode.ExternalTool, code: "FfmpegMissing" });
  const { file: asset, cleanup: removeAsset } = await localAsset(ctx, source);
  const participantId = typeof claims.jti === "string" ? claims.jti : undefined;

  emit("connecting", { whipUrl, stageArn: stageArn ?? claims.resource, participantId, asset: assetName || "test-pattern" });
  const publisher: Publisher = await createPublisher();
  let ffmpeg: ReturnType<typeof Bun.spawn> | undefined;
  let sessionUrl: string | undefined;
  const cleanup = async (sendDelete: boolean) => {
    if (ffmpeg) {
      ffmpeg.kill("SIGKILL");
      await ffmpeg.exited; // reaped, never orphaned
    }
    if (sendDelete && sessionUrl) {
      await fetch(sessionUrl, { method: "DELETE", headers: { authorization: `Bearer ${token}` }, signal: AbortSignal.timeout(3_000) }).catch(() => {});
    }
    await publisher.close();
    removeAsset();
  };
  const fail = async (err: CliError, sendDelete: boolean): Promise<never> => {
    unhook();
    emit("error", { code: err.code, reason: err.message });
    await cleanup(sendDelete);
    throw err;
  };

  // Every way the session can end, first one wins.
  type Ending = { kind: "signal"; signal: string } | { kind: "server"; reason: string } | { kind: "ffmpeg"; reason: string } | { kind: "expired" } | { kind: "ice" };
  let settle!: (e: Ending) => void;
  const ending = new Promise<Ending>((r) => (settle = r));
  // Installed before the POST: a SIGTERM while the offer is in flight still ends in a DELETE and exit 0.
  const onSigterm = () => settle({ kind: "signal", signal: "SIGTERM" });
  const onSigint = () => settle({ kind: "signal", signal: "SIGINT" });
  process.on("SIGTERM", onSigterm);
  process.on("SIGINT", onSigint);
  const unhook = () => {
    process.off("SIGTERM", onSigterm);
    process.off("SIGINT", onSigint);
  };

  let posted;
  try {
    posted = await postOffer(whipUrl, token, await publisher.offer());
  } catch (e) {
    if (e instanceof CliError) return fail(e, false);
    return fail(stateError(`WHIP endpoint ${whipUrl} unreachable: ${(e as Error).message}`, "WhipUnreachable"), false);
  }
  const { res } = posted;
  if (res.status === 401 || res.status === 403) {
    return fail(new CliError(`WHIP ${res.status}: the token was refused: ${await reasonOf(res)}`, { exitCode: ExitCode.Config, code: res.status === 401 ? "Unauthorized" : "Forbidden" }), false);
  }
  if (res.status !== 201) return fail(stateError(`WHIP ${res.status}: ${await reasonOf(res)}`, "WhipRefused"), false);
  const location = res.headers.get("location");
  if (!location) return fail(stateError("WHIP 201 without a Location header (RFC 9725 4.2)", "WhipProtocol"), false);
  sessionUrl = new URL(location, posted.url).toString();
  await publisher.answer(await res.text());

  let connected = false;
  const connectedOnce = new Promise<void>((resolve) => {
    publisher.onState((s) => {
      if (s === "connected") {
        connected = true;
        resolve();
      }
      // "disconnected" can be transient (ICE may recover); "failed" (consent lost) and "closed" are final.
      if (s === "closed" || s === "failed") {
        settle(connected ? { kind: "server", reason: s === "closed" ? "the server closed the session (DTLS close_notify)" : `the connection ${s}` } : { kind: "ice" });
      }
    });
  });
  const connectTimer = setTimeout(() => !connected && settle({ kind: "ice" }), CONNECT_TIMEOUT_MS);
  const exp = typeof claims.exp === "number" ? claims.exp * 1000 - ctx.now() : undefined;
  const expiryTimer = exp !== undefined && exp < 2 ** 31 - 1 ? setTimeout(() => settle({ kind: "expired" }), Math.max(0, exp)) : undefined;

  let publishedTimer: ReturnType<typeof setInterval> | undefined;
  let finished = false; // after the end, a late "connected" must not start ffmpeg
  void connectedOnce.then(() => {
    if (finished) return;
    emit("connected", { sessionUrl: new URL(sessionUrl!).pathname });
    const stderr: string[] = [];
    ffmpeg = Bun.spawn([ffmpegPath, ...vpFfmpegArgs(asset, publisher.videoPort, publisher.audioPort)], { stdin: "ignore", stdout: "ignore", stderr: "pipe" });
    void (async () => {
      const text = await new Response(ffmpeg!.stderr as ReadableStream).text().catch(() => "");
      stderr.push(...text.split("\n").filter(Boolean));
      const code = await ffmpeg!.exited;
      settle({ kind: "ffmpeg", reason: `ffmpeg exited (${code}): ${stderr.at(-1) ?? "no message"}` });
    })();
    publishedTimer = setInterval(() => {
      if (publisher.sent.video > 0) {
        clearInterval(publishedTimer);
        emit("published", { startToPublishedMs: elapsedMs() });
      }
    }, 20);
  });

  const end = await ending;
  clearTimeout(connectTimer);
  if (expiryTimer) clearTimeout(expiryTimer);
  if (publishedTimer) clearInterval(publishedTimer);
  finished = true;
  unhook();
  const sent = { ...publisher.sent };
  if (end.kind === "signal") {
    await cleanup(true);
    emit("left", { reason: end.signal, sentPackets: sent });
    return;
  }
  if (end.kind === "server") return fail(stateError(`the session ended: ${end.reason}`, "SessionEnded"), false);
  if (end.kind === "expired") return fail(stateError("the participant token expired", "TokenExpired"), true);
  if (end.kind === "ice") return fail(stateError(`ICE/DTLS did not connect within ${CONNECT_TIMEOUT_MS / 1000} s`, "IceFailed"), true);
  return fail(new CliError(end.reason, { exitCode: ExitCode.ExternalTool, code: "FfmpegFailed" }), true);
}
