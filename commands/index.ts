import { defineGroup } from "../src/cli/command.ts";

/** The command map. Every group loads on demand (nuxi-style), so start-up stays small. */
export const rootCommand = defineGroup({
  meta: { name: "ivsctl", description: "ivsctl: operate Amazon IVS (low-latency channels, real-time stages) from one binary." },
  examples: [
    "ivsctl local start --detach            # start the emulator",
    "ivsctl channel create --name demo --local",
    "ivsctl stack outputs --stack my-vp-stack -o json",
  ],
  subCommands: {
    channel: () => import("./channel/index.ts").then((m) => m.default),
    "stream-key": () => import("./stream-key/index.ts").then((m) => m.default),
    "playback-key": () => import("./playback-key/index.ts").then((m) => m.default),
    token: () => import("./token/index.ts").then((m) => m.default),
    recording: () => import("./recording/index.ts").then((m) => m.default),
    stream: () => import("./stream/index.ts").then((m) => m.default),
    ingest: () => import("./ingest.ts").then((m) => m.default),
    metadata: () => import("./metadata/index.ts").then((m) => m.default),
    stack: () => import("./stack/index.ts").then((m) => m.default),
    vp: () => import("./vp/index.ts").then((m) => m.default),
    stage: () => import("./stage/index.ts").then((m) => m.default),
    keys: () => import("./keys/index.ts").then((m) => m.default),
    local: () => import("./local/index.ts").then((m) => m.default),
    completion: () => import("./completion.ts").then((m) => m.default),
    demo: () => import("./demo.ts").then((m) => m.default),
    sweep: () => import("./sweep.ts").then((m) => m.default),
  },
});
