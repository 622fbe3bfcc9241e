/**
 * The emulator's ECS runs each VP task's container as a host process: the VP image's entrypoint,
 * `ivsctl vp run`, with the task's container environment (what `vp invite` passes, src/contract/vp-env.ts),
 * so a VP really publishes to the stage over WHIP. `IVSCTL_LOCAL_VP=simulated` keeps the in-process join
 * (no media, never `published`) for tests that need none.
 *
 * A stop is what ECS does to a container (ECS developer guide, "StopTask"): SIGTERM, then SIGKILL after
 * the stop timeout (30 s by default; 10 s here). The process's own exit makes the task stop with
 * EssentialContainerExited and the process's exit code, as an essential container's exit does.
 */
import { join } from "node:path";

export type VpMode = "process" | "simulated";

export function vpModeOf(value: string | undefined): VpMode {
  if (value === undefined || value === "" || value === "process") return "process";
  if (value === "simulated") return "simulated";
  throw new Error(`IVSCTL_LOCAL_VP must be "process" (run \`ivsctl vp run\` per VP task, the default) or "simulated" (in-process join, no media), not ${JSON.stringify(value)}`);
}

export interface VpExit {
  code: number;
  /** The process's last error line (`error: …`), or its last JSON state line. */
  reason: string;
}

export interface VpProcessRunner {
  /** Starts the container of a task (once per task). `onExit` is called when it ends, whoever ended it. */
  start(taskArn: string, containerEnv: Record<string, string>, onExit: (exit: VpExit) => void): void;
  /** SIGTERM (ECS's stop), SIGKILL after the stop timeout. No-op when it is not running. */
  stop(taskArn: string): void;
  /** The container's stdout lines so far (its JSON state lines), for inspection. */
  lines(taskArn: string): string[] | undefined;
  stopAll(): Promise<void>;
}

const STOP_TIMEOUT_MS = 10_000;
const KEPT_LINES = 50;

/** How to run `ivsctl vp run`: this very binary when compiled, else Bun with the sources (tests in-process). */
function vpRunCommand(): string[] {
  const compiled = import.meta.path.startsWith("/$bunfs/") || import.meta.path.startsWith("B:/~BUN/");
  return compiled ? [process.execPath, "vp", "run"] : [process.execPath, join(import.meta.dir, "..", "entry.ts"), "vp", "run"];
}

export function createVpProcessRunner(o: { env: Record<string, string | undefined> }): VpProcessRunner {
  const running = new Map<string, { proc: ReturnType<typeof Bun.spawn>; killTimer?: ReturnType<typeof setTimeout>; exited: Promise<void> }>();
  const output = new Map<string, string[]>();
  // The host's PATH and ffmpeg choice reach the container; nothing else of the emulator's environment.
  const hostEnv: Record<string, string> = {};
  for (const k of ["PATH", "HOME", "FFMPEG_PATH", "TMPDIR"]) if (o.env[k]) hostEnv[k] = o.env[k]!;

  return {
    start(taskArn, containerEnv, onExit) {
      if (running.has(taskArn)) return;
      const lines: string[] = [];
      output.set(taskArn, lines);
      const proc = Bun.spawn(vpRunCommand(), {
        env: { ...hostEnv, ...containerEnv, NO_COLOR: "1" },
        stdin: "ignore",
        stdout: "pipe",
        stderr: "pipe",
      });
      const keep = (line: string) => {
        lines.push(line);
        if (lines.length > KEPT_LINES) lines.shift();
      };
      const read = async (stream: ReadableStream<Uint8Array>) => {
        let buf = "";
        for await (const chunk of stream) {
          buf += new TextDecoder().decode(chunk);
          let nl;
          while ((nl = buf.indexOf("\n")) >= 0) {
            if (buf.slice(0, nl).trim()) keep(buf.slice(0, nl));
            buf = buf.slice(nl + 1);
          }
        }
        if (buf.trim()) keep(buf);
      };
      const exited = (async () => {
        await Promise.all([read(proc.stdout as ReadableStream<Uint8Array>), read(proc.stderr as ReadableStream<Uint8Array>)]).catch(() => {});
        const code = await proc.exited;
        const entry = running.get(taskArn);
        if (entry?.killTimer) clearTimeout(entry.killTimer);
        running.delete(taskArn);
        const reason = [...lines].reverse().find((l) => l.startsWith("error:")) ?? lines.at(-1) ?? "";
        onExit({ code: code ?? 137, reason });
      })();
      running.set(taskArn, { proc, exited });
    },
    stop(taskArn) {
      const entry = running.get(taskArn);
      if (!entry || entry.killTimer) return;
      entry.proc.kill("SIGTERM");
      entry.killTimer = setTimeout(() => entry.proc.kill("SIGKILL"), STOP_TIMEOUT_MS);
      (entry.killTimer as { unref?: () => void }).unref?.();
    },
    lines: (taskArn) => output.get(taskArn),
    async stopAll() {
      const all = [...running.keys()];
      for (const arn of all) this.stop(arn);
      await Promise.all(all.map((arn) => running.get(arn)?.exited));
    },
  };
}
