/** Independent tools the tests use as second implementations, when this machine has them. */
export function which(cmd: string): string | undefined {
  return Bun.which(cmd) ?? undefined;
}

export const HAS_AWS_CLI = Boolean(which("aws"));
export const HAS_MOTO = Boolean(which("moto_server"));
export const HAS_PYTHON = Boolean(which("python3"));

/** Say why a test is skipped, once, on stderr, so a skip is never silent. */
export function skipReason(what: string, missing: string): void {
  process.stderr.write(`SKIP ${what}: ${missing} is not installed on this machine\n`);
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
