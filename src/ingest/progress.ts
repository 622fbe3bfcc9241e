/**
 * What `ivsctl ingest` says while it streams: ffmpeg's progress on stderr (one line rewritten in
 * place on a terminal, a JSON line every 5 s otherwise), and when the target went LIVE.
 */
import type { Context } from "../cli/context.ts";
import { toCliError } from "../cli/errors.ts";
import type { SignalScope } from "../cli/signals.ts";
import type { FfmpegStats } from "./ffmpeg.ts";
import type { Target } from "./targets.ts";

export function progressReporter(ctx: Context, started: number) {
  let lastStats: FfmpegStats = {};
  let lastReport = 0;
  const tty = ctx.io.stderrIsTTY;
  return {
    onStats(s: FfmpegStats): void {
      lastStats = s;
      if (ctx.globals.quiet) return;
      const now = performance.now();
      const fields = { elapsedSeconds: Number(((now - started) / 1000).toFixed(1)), fps: s.fps ?? 0, bitrateKbps: s.bitrateKbps ?? 0, speed: s.speed ?? 0, droppedFrames: s.drop ?? 0, frames: s.frame ?? 0 };
      if (tty) {
        ctx.io.stderr.write(`\r\x1b[2Kelapsed ${fmtElapsed(fields.elapsedSeconds)}  fps ${fields.fps}  bitrate ${Math.round(fields.bitrateKbps)} kb/s  speed ${fields.speed.toFixed(2)}x  dropped ${fields.droppedFrames}`);
      } else if (now - lastReport >= 5_000) {
        lastReport = now;
        ctx.io.stderr.write(`${JSON.stringify({ progress: fields })}\n`);
      }
    },
    last: (): FfmpegStats => lastStats,
    /** Wipes the terminal's progress line. */
    clear(): void {
      if (tty && !ctx.globals.quiet) ctx.io.stderr.write("\r\x1b[2K");
    },
  };
}

/** Asks the target whether it is LIVE, a few times a second (within IVS's rate limits), until it is or the stream ends. */
export function watchLive(ctx: Context, target: Target, signals: SignalScope, started: number, wanted: boolean) {
  let stopped = false;
  let liveAfterMs: number | undefined;
  const done = (async () => {
    if (!wanted || !target.waitLive) return;
    try {
      while (!stopped && !signals.signal) {
        if (await target.waitLive()) {
          liveAfterMs = Math.round(performance.now() - started);
          if (ctx.io.stderrIsTTY) ctx.io.stderr.write("\r\x1b[2K");
          ctx.log.success(`${target.kind === "stage" ? "publishing to the stage" : "LIVE"} after ${(liveAfterMs / 1000).toFixed(2)} s`);
          if (ctx.globals.output === "json") ctx.out.line({ event: "live", target: target.arn, ingestConfigurationArn: target.ingestConfigurationArn, liveAfterMs }, "LIVE");
          return;
        }
        await signals.sleep(250);
      }
    } catch (e) {
      ctx.log.warn(`--wait-live stopped asking: ${toCliError(e).message}`);
    }
  })();
  return {
    liveAfterMs: () => liveAfterMs,
    async stop(): Promise<void> {
      stopped = true;
      await done.catch(() => {});
    },
  };
}

const fmtElapsed = (s: number) => {
  const t = Math.floor(s);
  return `${String(Math.floor(t / 3600)).padStart(2, "0")}:${String(Math.floor((t % 3600) / 60)).padStart(2, "0")}:${String(t % 60).padStart(2, "0")}`;
};
