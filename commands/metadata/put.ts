import { globalArgs } from "../../src/cli/args.ts";
import { defineLeaf } from "../../src/cli/command.ts";
import { stackChannelArg } from "../args.ts";

export default defineLeaf({
  meta: { name: "put", description: "Put one timed metadata payload (≤ 1024 UTF-8 bytes) into a live channel" },
  args: {
    ...stackChannelArg,
    payload: { type: "positional", description: "DATA, @file, or - for stdin (with --stack, the only argument)", required: false },
    json: { type: "boolean", description: "Check that the payload is valid JSON before sending" },
    ...globalArgs,
  },
  examples: ["ivsctl metadata put demo 'hello viewers'", "ivsctl metadata put demo @question.json --json", "echo '{\"n\":1}' | ivsctl metadata put demo - --json"],
  options: (args) => ({ channel: args.positional("channel"), payload: args.positional("payload"), json: args.flag("json") }),
  run: () => import("../../src/metadata/metadata.ts").then((m) => m.putMetadata),
});
