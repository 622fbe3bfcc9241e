/** Independent tools the tests use as second implementations, when this machine has them. */
export function which(cmd: string): string | undefined {
  return Bun.which(cmd) ?? undefined;
}

export const HAS_AWS_CLI = Boolean(which("aws"));
export const HAS_MOTO = Boolean(which("moto_server"));
export const HAS_PYTHON = Boolean(which("python3"));

/** Say why a test is skipped, once, on stderr, so a skip is never silent. */
export function skipReason(what: string, missing: string): void {
  skipNote(what, `${missing} is not installed on this machine`);
}

export function skipNote(what: string, why: string): void {
  process.stderr.write(`SKIP ${what}: ${why}\n`);
}

export async function exec(cmd: string[], env: Record<string, string> = {}, stdin?: string): Promise<{ code: number; stdout: string; stderr: string }> {
  const proc = Bun.spawn(cmd, {
    env: { ...process.env, ...env },
    stdin: stdin === undefined ? "ignore" : new Blob([stdin]),
    stdout: "pipe",
    stderr: "pipe",
  });
  const [stdout, stderr, code] = await Promise.all([new Response(proc.stdout).text(), new Response(proc.stderr).text(), proc.exited]);
  return { code, stdout, stderr };
}

/** Environment for the AWS CLI against a local endpoint with dummy credentials. */
export function awsCliEnv(): Record<string, string> {
  return { AWS_ACCESS_KEY_ID: "AKIDLOCAL", AWS_SECRET_ACCESS_KEY: "local-secret", AWS_DEFAULT_REGION: "us-east-1", AWS_PAGER: "" };
}

/** moto_server on a random loopback port, ready to answer. */
export async function startMoto(): Promise<{ endpoint: string; stop: () => void }> {
  const port = 20000 + Math.floor(Math.random() * 20000);
  const endpoint = `http://127.0.0.1:${port}`;
  const proc = Bun.spawn(["moto_server", "-H", "127.0.0.1", "-p", String(port)], { stdout: "ignore", stderr: "ignore" });
  for (let i = 0; i < 100; i++) {
    if (await fetch(`${endpoint}/moto-api/`).then((r) => r.ok, () => false)) return { endpoint, stop: () => proc.kill() };
    await Bun.sleep(100);
  }
  proc.kill();
  throw new Error(`moto_server did not answer on ${endpoint} within 10 s`);
}
