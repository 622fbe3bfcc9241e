import { globalArgs } from "../../src/cli/args.ts";
import { defineLeaf } from "../../src/cli/command.ts";
import { stackChannelArg } from "../args.ts";

export default defineLeaf({
  meta: { name: "loop", description: "Send a templated payload every interval ({{counter}}, {{time}}, {{epoch}}, {{epochMs}}, {{clock}}) until Ctrl-C" },
  args: {
    ...stackChannelArg,
    every: { type: "string", description: "Interval between payloads (default 10s)", valueHint: "10s" },
    template: { type: "string", description: "Template file (default: a small JSON document with counter and time)", valueHint: "file" },
    count: { type: "string", description: "Stop after this many payloads", valueHint: "n" },
    json: { type: "boolean", description: "Check that every rendered payload is valid JSON" },
    ...globalArgs,
  },
  examples: ["ivsctl metadata loop demo --every 10s", "ivsctl metadata loop demo --every 5s --template quiz.json --json"],
  options: (args) => ({
    channel: args.positional("channel"),
    everyMs: args.duration("every") ?? 10_000,
    template: args.string("template"),
    count: args.integer("count", { min: 1 }),
    json: args.flag("json"),
  }),
  run: () => import("../../src/metadata/metadata.ts").then((m) => m.loopMetadata),
});
