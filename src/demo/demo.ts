/**
 * `ivsctl demo`: the whole mission against the embedded emulator, started in-process on a free
 * port. Each step runs the same domain functions the commands run, with real output, and the
 * demo ends with a summary table. Any failed step makes the exit code non-zero.
 */
import { createContext, type Context, type GlobalOptions } from "../cli/context.ts";
import { CliError, toCliError } from "../cli/errors.ts";
import { ExitCode } from "../cli/exit-codes.ts";
import { interruptedError, signalScope } from "../cli/signals.ts";
import type { IO } from "../cli/io.ts";
import { Output } from "../cli/output.ts";
import type { DemoStep, DemoState } from "./steps.ts";

export interface DemoOptions {
  /** Show the emulator's secrets in the narrated output (never by default). */
  showSecrets: boolean;
  steps: DemoStep[];
}

/** `ivsctl demo`: the mission's steps against an embedded emulator. */
export async function runDemoCommand(ctx: Context): Promise<void> {
  const { demoSteps } = await import("./steps.ts");
  await runDemo(ctx.io, ctx.env, ctx.globals, { showSecrets: ctx.globals.showSecrets, steps: demoSteps });
}

export async function runDemo(io: IO, env: Record<string, string | undefined>, base: GlobalOptions, opts: DemoOptions): Promise<void> {
  const { startLocalServer } = await import("../local/server.ts");
  // The demo's VP publishes a placeholder asset name (no media file): its emulated ECS joins in-process
  // unless IVSCTL_LOCAL_VP says otherwise.
  const server = await startLocalServer({ port: 0, statePath: ":memory:", env: { ...env, IVSCTL_LOCAL_VP: env.IVSCTL_LOCAL_VP ?? "simulated" } });
  // With -o json, stdout carries only the summary document; the narrated run goes to stderr.
  const stepIO: IO = base.output === "json" ? { ...io, stdout: io.stderr, stdoutIsTTY: io.stderrIsTTY } : io;
  const say = (s: string) => stepIO.stdout.write(`${s}\n`);
  const globals: GlobalOptions = { ...base, local: true, yes: true, dryRun: false, output: base.output === "json" ? "table" : base.output, showSecrets: opts.showSecrets, stack: "ivsctl-local" };
  const ctx = createContext(stepIO, { ...env, IVSCTL_LOCAL_ENDPOINT: server.url }, globals);
  const state: DemoState = { ctx, server, values: {} };
  say(`ivsctl demo: the embedded emulator is serving ${server.url} (ingest ${server.world.ingestHost}); nothing here touches AWS.\n`);

  const results: { step: string; status: "ok" | "skipped" | "FAILED" | "interrupted"; detail: string; ms: number }[] = [];
  // Ctrl-C (or SIGTERM/SIGHUP) stops the demo after the step in hand (a step with children, ingest,
  // stops at once through its own scope); the emulator is stopped and the exit is 130/143/129.
  const signals = signalScope();
  try {
    for (const [i, step] of opts.steps.entries()) {
      if (signals.signal) {
        results.push({ step: step.title, status: "interrupted", detail: `not run (${signals.signal})`, ms: 0 });
        continue;
      }
      say(`── ${i + 1}. ${step.title} ${"─".repeat(Math.max(3, 60 - step.title.length))}`);
      const started = performance.now();
      const skip = await step.skipIf?.(state);
      if (skip) {
        say(`(skipped: ${skip})\n`);
        results.push({ step: step.title, status: "skipped", detail: skip, ms: 0 });
        continue;
      }
      try {
        await step.run(state);
        results.push({ step: step.title, status: "ok", detail: "", ms: performance.now() - started });
      } catch (err) {
        const e = toCliError(err);
        if (signals.signal) {
          results.push({ step: step.title, status: "interrupted", detail: e.message, ms: performance.now() - started });
          continue;
        }
        io.stderr.write(`error: ${e.message}${e.hint ? `\nhint: ${e.hint}` : ""}\n`);
        results.push({ step: step.title, status: "FAILED", detail: `${e.message} (exit ${e.exitCode})`, ms: performance.now() - started });
      }
      say("");
    }
  } finally {
    await server.stop();
    signals.release();
  }
  new Output(io, { format: base.output, showSecrets: false, color: globals.color }).result(
    { steps: results },
    { kind: "table", title: "Summary", columns: ["step", "status", "time", "detail"], rows: results.map((r) => [r.step, r.status, r.status === "skipped" ? "-" : `${r.ms.toFixed(0)} ms`, r.detail]) },
  );
  if (signals.signal) throw interruptedError(signals.signal, `the demo stopped after ${results.filter((r) => r.status === "ok" || r.status === "FAILED").length} of ${results.length} steps; the emulator is stopped`);
  const failed = results.filter((r) => r.status === "FAILED").length;
  if (failed) throw new CliError(`${failed} demo step${failed > 1 ? "s" : ""} failed`, { exitCode: ExitCode.Internal, code: "DemoFailed" });
}
