import { globalArgs } from "../../src/cli/args.ts";
import { defineLeaf } from "../../src/cli/command.ts";

export default defineLeaf({
  meta: { name: "send", description: "Send one payload per line of a file, paced at ≤ 5/s per channel, in order, one JSON line per payload" },
  args: {
    target: { type: "positional", description: "Channel ARN, id or name (or use --channel)", required: false },
    file: { type: "string", description: "Payloads, one per line (JSON Lines with --json)", valueHint: "events.jsonl" },
    rate: { type: "string", description: "Payloads per second per channel, at most 5 (default 5)", valueHint: "5" },
    channel: { type: "string", description: "A channel (repeatable); channels share the account limit of 155/s", valueHint: "channel", repeatable: true },
    "channels-file": { type: "string", description: "File of channel ARNs/ids/names, one per line", valueHint: "file" },
    json: { type: "boolean", description: "Check that every line is valid JSON before sending any" },
    ...globalArgs,
  },
  examples: ["ivsctl metadata send demo --file events.jsonl --json -o json", "ivsctl metadata send --channel a --channel b --file events.jsonl --rate 2"],
  options: (args) => {
    const positional = args.positional("target");
    return {
      channels: [...(positional ? [positional] : []), ...args.list("channel")],
      channelsFile: args.string("channels-file"),
      file: args.requiredString("file"),
      rate: args.number("rate") ?? 5,
      json: args.flag("json"),
    };
  },
  run: () => import("../../src/metadata/metadata.ts").then((m) => m.sendMetadata),
});
