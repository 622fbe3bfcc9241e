import { defineGroup } from "../../src/cli/command.ts";

export default defineGroup({
  meta: { name: "metadata", description: "Timed metadata (PutMetadata): put one, send a file paced at 5/s, loop a template" },
  examples: [
    "ivsctl metadata put demo '{\"question\":\"Ready?\"}' --json",
    "ivsctl metadata send demo --file events.jsonl -o json",
    "ivsctl metadata loop demo --every 10s --template quiz.json",
  ],
  subCommands: {
    put: () => import("./put.ts").then((m) => m.default),
    send: () => import("./send.ts").then((m) => m.default),
    loop: () => import("./loop.ts").then((m) => m.default),
  },
});
