/** `ivsctl local start|stop|status`: run the emulator in the foreground, detached, or ask after it. */
import { spawn } from "node:child_process";
import type { Context } from "./context.ts";
import { CliError, configError, stateError } from "./errors.ts";
import { ExitCode } from "./exit-codes.ts";
import { signalScope } from "./signals.ts";
import { pollUntil } from "./wait.ts";
import { clearRuntime, defaultStatePath, ensureHome, readRuntime, runtimeFile, writeRuntime } from "./home.ts";

export interface StartOptions {
  port: number;
  /** RTMPS ingest port; default port + 1 (a free one when port is 0). */
  ingestPort?: number;
  statePath?: string;
  detach: boolean;
  /** False when --port was not given (the default 4599): then an emulator already running elsewhere is reused. */
  portGiven?: boolean;
}

/** `-q` silences the human tables of start/stop (their JSON is data and stays). */
function report(ctx: Context, json: unknown, view: Parameters<Context["out"]["result"]>[1]): void {
  if (ctx.globals.quiet && ctx.globals.output !== "json") return;
  ctx.out.result(json, view);
}

async function health(endpoint: string, timeoutMs = 1_000): Promise<Record<string, unknown> | undefined> {
  try {
    const res = await fetch(`${endpoint}/_ivsctl/health`, { signal: AbortSignal.timeout(timeoutMs) });
    return res.ok ? ((await res.json()) as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

export async function startLocal(ctx: Context, opts: StartOptions): Promise<void> {
  const statePath = opts.statePath ?? defaultStatePath(ctx.env);
  // The state file and a directory made for it are private (src/local/store.ts); so is ivsctl's own home.
  if (statePath === defaultStatePath(ctx.env)) ensureHome(ctx.env);
  if (opts.detach) return startDetached(ctx, opts, statePath);

  const { startLocalServer } = await import("../local/server.ts");
  let server;
  try {
    server = await startLocalServer({ port: opts.port, ingestPort: opts.ingestPort, statePath, env: ctx.env });
  } catch (e) {
    const message = (e as Error).message;
    const inUse = /EADDRINUSE|address already in use|port .* in use/i.test(message);
    throw new CliError(`cannot start the emulator on port ${opts.port}: ${message}`, {
      exitCode: ExitCode.Config,
      code: inUse ? "PortInUse" : "StartFailed",
      hint: inUse ? "choose another --port (0 picks a free one)" : `check --state ${statePath}`,
    });
  }
  ctx.log.info(`ivsctl local listening on ${server.url} (state: ${statePath}); Ctrl-C stops it`);
  ctx.out.line({ endpoint: server.url, pid: process.pid, statePath, ingest: server.world.ingestHost }, server.url);
  // SIGINT, SIGTERM and SIGHUP alike stop it cleanly (state flushed); for a server that is success, exit 0.
  const signals = signalScope();
  await new Promise<void>((resolve) => signals.onSignal(() => resolve()));
  await server.stop();
  signals.release();
}

async function startDetached(ctx: Context, opts: StartOptions, statePath: string): Promise<void> {
  const existing = readRuntime(ctx.env);
  if (existing && (await health(existing.endpoint))) {
    const runningPort = Number(new URL(existing.endpoint).port);
    if (opts.portGiven !== false && opts.port !== 0 && opts.port !== runningPort) {
      throw stateError(`ivsctl local is already running at ${existing.endpoint} (pid ${existing.pid}), not on port ${opts.port}`, "AlreadyRunning", "stop it first (`ivsctl local stop`), or give each CI job its own IVSCTL_HOME");
    }
    ctx.log.info(`ivsctl local is already running at ${existing.endpoint} (pid ${existing.pid})`);
    report(ctx, existing, { kind: "record", fields: [["Endpoint", existing.endpoint], ["PID", existing.pid], ["State", existing.statePath]] });
    return;
  }
  // Re-run this same binary in the foreground, detached from our terminal.
  const self = process.argv[1] && !process.argv[1].startsWith("/$bunfs") ? [process.argv[1]] : [];
  const child = spawn(process.execPath, [...self, "local", "start", "--port", String(opts.port), ...(opts.ingestPort === undefined ? [] : ["--ingest-port", String(opts.ingestPort)]), "--state", statePath, "-o", "json", "--quiet"], {
    detached: true,
    stdio: ["ignore", "pipe", "ignore"],
    env: { ...ctx.env, IVSCTL_LOCAL: "" } as NodeJS.ProcessEnv,
  });
  const endpoint = await new Promise<string>((resolve, reject) => {
    let buf = "";
    const timer = setTimeout(() => {
      child.kill("SIGTERM"); // do not leave a half-started emulator behind
      reject(configError("the emulator did not start within 10 s"));
    }, 10_000);
    child.stdout!.on("data", (d: Buffer) => {
      buf += d.toString();
      const line = buf.split("\n").find((l) => l.startsWith("{"));
      if (line) {
        clearTimeout(timer);
        resolve((JSON.parse(line) as { endpoint: string }).endpoint);
      }
    });
    child.once("exit", (code) => {
      clearTimeout(timer);
      reject(configError(`the emulator exited at start (code ${code})`, `is port ${opts.port} free?`));
    });
  });
  child.stdout!.destroy();
  child.unref();
  const runtime = { pid: child.pid!, endpoint, statePath, startedAt: new Date(ctx.now()).toISOString() };
  writeRuntime(ctx.env, runtime);
  ctx.log.success(`ivsctl local started at ${endpoint} (pid ${child.pid}); use --local or IVSCTL_LOCAL=1`);
  report(ctx, runtime, { kind: "record", fields: [["Endpoint", endpoint], ["PID", runtime.pid], ["State", statePath]] });
}

export async function stopLocal(ctx: Context): Promise<void> {
  const rt = readRuntime(ctx.env);
  if (!rt) {
    ctx.log.info("ivsctl local is not running (no runtime file)");
    report(ctx, { stopped: false }, { kind: "record", fields: [["Stopped", "not running"]] });
    return;
  }
  // Only signal the process that answers at the recorded endpoint as that pid: a stale runtime
  // file must not make us kill whatever reused the pid.
  const h = await health(rt.endpoint);
  if (!h || h.pid !== rt.pid) {
    clearRuntime(ctx.env);
    ctx.log.info(`ivsctl local is not running at ${rt.endpoint} (stale runtime file removed)`);
    report(ctx, { stopped: false }, { kind: "record", fields: [["Stopped", "not running"]] });
    return;
  }
  process.kill(rt.pid, "SIGTERM");
  const gone = await pollUntil(() => health(rt.endpoint, 200), (x) => x === undefined, { what: `ivsctl local (pid ${rt.pid}) to stop`, timeoutMs: 5_000, intervalMs: 100, now: ctx.now }).then(
    () => true,
    () => false,
  );
  if (!gone) throw new CliError(`ivsctl local (pid ${rt.pid}) still answers at ${rt.endpoint} after SIGTERM`, { exitCode: ExitCode.Throttled, code: "StillRunning", hint: `kill -9 ${rt.pid}` });
  clearRuntime(ctx.env);
  ctx.log.success(`stopped ivsctl local (pid ${rt.pid})`);
  report(ctx, { stopped: true, pid: rt.pid, endpoint: rt.endpoint }, { kind: "record", fields: [["Stopped", rt.endpoint], ["PID", rt.pid]] });
}

export async function localStatus(ctx: Context): Promise<void> {
  // Never a guessed port: the endpoint local mode would use, else IVSCTL_LOCAL_ENDPOINT, else the runtime file.
  const endpoint = ctx.aws.settings.endpoint && ctx.globals.local ? ctx.aws.settings.endpoint : ctx.env.IVSCTL_LOCAL_ENDPOINT || readRuntime(ctx.env)?.endpoint;
  if (!endpoint) throw new CliError(`ivsctl local is not answering: no runtime file ${runtimeFile(ctx.env)} (never started with --detach, or stopped)`, { exitCode: ExitCode.Config, code: "NotRunning", hint: "start it with `ivsctl local start --detach`" });
  const h = await health(endpoint);
  if (!h) throw new CliError(`ivsctl local is not answering at ${endpoint}`, { exitCode: ExitCode.Config, code: "NotRunning", hint: "start it with `ivsctl local start --detach`" });
  ctx.out.result({ endpoint, ...h }, { kind: "record", fields: [["Endpoint", endpoint], ["PID", h.pid as number], ["Ingest", h.ingest as string], ["Validating", h.validating as boolean]] });
}
