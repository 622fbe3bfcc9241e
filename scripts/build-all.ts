/**
 * `bun run build:all`: cross-compile release binaries into dist/release/. Bun fetches each
 * target's runtime from the npm registry on first use. CI builds only the host (`bun run build`).
 */
const TARGETS = [
  ["bun-linux-x64", "ivsctl-linux-x64"],
  ["bun-linux-arm64", "ivsctl-linux-arm64"],
  ["bun-darwin-arm64", "ivsctl-darwin-arm64"],
  ["bun-darwin-x64", "ivsctl-darwin-x64"],
  ["bun-windows-x64", "ivsctl-windows-x64.exe"],
] as const;

// A release binary reads no configuration from the directory it runs in: a bunfig.toml `preload`
// would run foreign code and a .env could redirect signed requests (issue 12). Same flags as `bun run build`.
const NO_AUTOLOAD = ["--no-compile-autoload-dotenv", "--no-compile-autoload-bunfig"];

const only = process.argv.slice(2);
let failed = 0;
for (const [target, name] of TARGETS) {
  if (only.length && !only.some((o) => target.includes(o))) continue;
  const started = performance.now();
  const proc = Bun.spawnSync(
    ["bun", "build", "src/entry.ts", "src/main.ts", "--compile", "--splitting", ...NO_AUTOLOAD, "--minify", "--bytecode", "--format=esm", `--target=${target}`, "--outfile", `dist/release/${name}`],
    { stdout: "ignore", stderr: "pipe" },
  );
  const secs = ((performance.now() - started) / 1000).toFixed(1);
  if (proc.exitCode === 0) console.log(`ok    ${target.padEnd(18)} dist/release/${name} (${secs} s)`);
  else {
    failed++;
    console.error(`FAIL  ${target}: ${proc.stderr.toString().trim().split("\n").pop()}`);
  }
}
process.exit(failed ? 1 : 0);
