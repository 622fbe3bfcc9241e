// The binary's entry point. `--version` answers from this tiny bundle (about 3 ms); everything
// else loads the full CLI (src/main.ts), embedded in the binary as a second entrypoint so its
// bytecode is only read when needed. The specifier is computed so the bundler does not inline it.
import { VERSION } from "./version.ts";

const argv = process.argv.slice(2);
if (argv.length === 1 && (argv[0] === "--version" || argv[0] === "-v")) {
  process.stdout.write(`${VERSION}\n`);
} else {
  const compiled = import.meta.path.startsWith("/$bunfs/") || import.meta.path.startsWith("B:/~BUN/");
  await import(["./main", compiled ? ".js" : ".ts"].join(""));
}
