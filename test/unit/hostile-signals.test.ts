/** The one signal scope (src/cli/signals.ts): first signal wins, exit 128+n, sleeps wake, release restores the default. */
import { describe, expect, test } from "bun:test";
import { EventEmitter } from "node:events";
import { interruptedError, signalExitCode, signalScope } from "../../src/cli/signals.ts";
import { pollUntil } from "../../src/cli/wait.ts";

const fakeProcess = () => new EventEmitter() as unknown as NodeJS.Process & EventEmitter;

describe("signalScope", () => {
  test("exit codes are 128 + the signal number", () => {
    expect([signalExitCode("SIGINT"), signalExitCode("SIGTERM"), signalExitCode("SIGHUP")]).toEqual([130, 143, 129]);
    expect(interruptedError("SIGHUP", "stopped").exitCode).toBe(129);
  });
  test("the first signal is kept; callbacks run once; a late callback runs at once", () => {
    const proc = fakeProcess();
    const scope = signalScope(proc);
    const seen: string[] = [];
    scope.onSignal((s) => seen.push(`a:${s}`));
    proc.emit("SIGHUP");
    proc.emit("SIGINT");
    scope.onSignal((s) => seen.push(`b:${s}`));
    expect(scope.signal).toBe("SIGHUP");
    expect(seen).toEqual(["a:SIGHUP", "b:SIGHUP"]);
    expect(scope.abort.aborted).toBe(true);
    expect(() => scope.throwIfInterrupted("minting")).toThrow("interrupted (SIGHUP): minting");
  });
  test("sleep wakes on a signal; pollUntil ends with the interruption", async () => {
    const proc = fakeProcess();
    const scope = signalScope(proc);
    setTimeout(() => proc.emit("SIGTERM"), 20);
    const started = performance.now();
    await scope.sleep(60_000);
    expect(performance.now() - started).toBeLessThan(30_000);
    const scope2Proc = fakeProcess();
    const scope2 = signalScope(scope2Proc);
    setTimeout(() => scope2Proc.emit("SIGINT"), 20);
    const e = await pollUntil(async () => "CREATING", (v) => v === "ACTIVE", { what: "x", timeoutMs: 60_000, intervalMs: 60_000, now: () => performance.now(), abort: scope2.abort }).catch((err) => err);
    expect(e.exitCode).toBe(130);
  });
  test("release removes the listeners (the default, exit at once, applies again)", () => {
    const proc = fakeProcess();
    const scope = signalScope(proc);
    expect(proc.listenerCount("SIGINT")).toBe(1);
    scope.release();
    for (const s of ["SIGINT", "SIGTERM", "SIGHUP"]) expect(proc.listenerCount(s)).toBe(0);
  });
});
