import { globalArgs, mutatingArgs } from "../../src/cli/args.ts";
import { defineLeaf } from "../../src/cli/command.ts";
import { parseTags } from "../../src/aws/tags.ts";
import { keyFileArg, tagArg } from "../args.ts";

export default defineLeaf({
  meta: { name: "create", description: "Generate a P-384 key pair, import the public half; the private PEM goes to --key-file FILE (0600) or --secret ID, never to the terminal" },
  args: {
    name: { type: "string", description: "Key pair name", valueHint: "name" },
    ...keyFileArg("Write the private key PEM to this new file (mode 0600)", "out"),
    secret: { type: "string", description: "Store the private key PEM in this Secrets Manager secret (created if missing)", valueHint: "id" },
    ...tagArg,
    ...mutatingArgs,
    ...globalArgs,
  },
  examples: ["ivsctl playback-key create --name web --key-file playback.pem", "ivsctl playback-key create --secret ivs/playback-key -o json | jq -r .keyPair.arn"],
  options: (args, env) => ({ name: args.string("name"), out: args.string("key-file"), secret: args.string("secret"), tags: parseTags(args.list("tag"), env) }),
  run: () => import("../../src/channel/playback-keys.ts").then((m) => m.createPlaybackKey),
});
