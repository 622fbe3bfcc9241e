/**
 * One way for unit tests to build the context a domain function takes: a recording IO, the
 * emulator's endpoint, and global options with test defaults (JSON output, --local).
 */
import { createContext, type Context, type GlobalOptions } from "../../src/cli/context.ts";
import { bufferIO, type Env } from "../../src/cli/io.ts";

export type TestContext = Context & { io: ReturnType<typeof bufferIO> };

export const testGlobals = (over: Partial<GlobalOptions> = {}): GlobalOptions => ({
  output: "json", local: true, yes: false, dryRun: false, quiet: false, color: false, debug: false, showSecrets: false, ...over,
});

export function testContext(endpoint: string, opts: { globals?: Partial<GlobalOptions>; env?: Env; now?: () => number; io?: ReturnType<typeof bufferIO> } = {}): TestContext {
  const io = opts.io ?? bufferIO();
  const env: Env = { IVSCTL_LOCAL_ENDPOINT: endpoint, AWS_MAX_ATTEMPTS: "1", PATH: process.env.PATH, ...opts.env };
  return createContext(io, env, testGlobals(opts.globals), { now: opts.now }) as TestContext;
}

/** SDK client settings for an in-process emulator: dummy credentials, no retries (faults and limits are seen as they happen). */
export const sdkConfig = (endpoint: string) => ({ region: "us-east-1", endpoint, credentials: { accessKeyId: "a", secretAccessKey: "b" }, maxAttempts: 1 });
