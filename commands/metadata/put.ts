import { globalArgs } from "../../src/cli/args.ts";
import { defineLeaf } from "../../src/cli/command.ts";

export default defineLeaf({
  meta: { name: "put", description: "Put one timed metadata payload (≤ 1024 UTF-8 bytes) into a live channel" },
  args: {
    channel: { type: "positional", description: "Channel ARN, id or name" },
    payload: { type: "positional", description: "DATA, @file, or - for stdin" },
    json: { type: "boolean", description: "Check that the payload is valid JSON before sending" },
    ...globalArgs,
  },
  examples: ["ivsctl metadata put demo 'hello viewers'", "ivsctl metadata put demo @question.json --json", "echo '{\"n\":1}' | ivsctl metadata put demo - --json"],
  async handler(ctx, args) {
    const opts = { channel: args.requiredPositional("channel"), payload: args.positional("payload"), json: args.flag("json") };
    const { putMetadata } = await import("../../src/metadata/metadata.ts");
    await putMetadata(ctx, opts);
  },
});
