import { globalArgs, mutatingArgs } from "../../src/cli/args.ts";
import { defineLeaf } from "../../src/cli/command.ts";
import { parseTags } from "../../src/aws/tags.ts";
import { tagArg } from "../args.ts";

export default defineLeaf({
  meta: { name: "create", description: "Generate a P-384 key pair, import the public half; the private PEM goes to --out FILE (0600) or --secret ID, never to the terminal" },
  args: {
    name: { type: "string", description: "Key pair name", valueHint: "name" },
    out: { type: "string", description: "Write the private key PEM to this new file (mode 0600)", valueHint: "file" },
    secret: { type: "string", description: "Store the private key PEM in this Secrets Manager secret (created if missing)", valueHint: "id" },
    ...tagArg,
    ...mutatingArgs,
    ...globalArgs,
  },
  examples: ["ivsctl playback-key create --name web --out playback.pem", "ivsctl playback-key create --secret ivs/playback-key -o json | jq -r .keyPair.arn"],
  options: (args, env) => ({ name: args.string("name"), out: args.string("out"), secret: args.string("secret"), tags: parseTags(args.list("tag"), env) }),
  run: () => import("../../src/channel/playback-keys.ts").then((m) => m.createPlaybackKey),
});
