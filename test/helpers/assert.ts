import { expect } from "bun:test";
import { CliError } from "../../src/cli/errors.ts";

/** Run fn, expect it to throw a usage error (exit 2), and return that error. */
export function expectUsageError(fn: () => unknown): CliError {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(CliError);
    expect((e as CliError).exitCode).toBe(2);
    return e as CliError;
  }
  throw new Error("expected a usage error");
}

export async function expectUsageErrorAsync(fn: () => unknown): Promise<CliError> {
  try {
    await fn();
  } catch (e) {
    expect(e).toBeInstanceOf(CliError);
    expect((e as CliError).exitCode).toBe(2);
    return e as CliError;
  }
  throw new Error("expected a usage error");
}

/** Await p, expect it to fail with a CliError (any exit code), and return that error. */
export async function expectCliError(p: Promise<unknown>): Promise<CliError> {
  try {
    await p;
  } catch (e) {
    expect(e).toBeInstanceOf(CliError);
    return e as CliError;
  }
  throw new Error("expected a failure");
}
