// Entry point of the ivsctl binary. Keep its imports tiny: --version and --help must not load
// the AWS SDK (see README "Start-up").
import { rootCommand } from "../commands/index.ts";
import { processIO } from "./cli/io.ts";
import { main } from "./cli/main.ts";
import { VERSION } from "./version.ts";

const io = processIO();
const code = await main(process.argv.slice(2), io, process.env, rootCommand, VERSION);
// Let piped stdout drain before exiting (process.exit drops what is still buffered); SDK keep-alive
// sockets would otherwise hold the process.
await io.close?.();
process.exit(code);
