import { globalArgs, mutatingArgs } from "../../src/cli/args.ts";
import { defineLeaf } from "../../src/cli/command.ts";
import { parseTags } from "../../src/aws/tags.ts";
import { tagArg } from "../args.ts";

export default defineLeaf({
  meta: { name: "import", description: "Import an existing P-384 public key PEM (ImportPlaybackKeyPair)" },
  args: {
    file: { type: "positional", description: "Public key PEM file (- for stdin); a private key file sends only its public half" },
    name: { type: "string", description: "Key pair name", valueHint: "name" },
    ...tagArg,
    ...mutatingArgs,
    ...globalArgs,
  },
  examples: ["openssl ec -in private.pem -pubout -out public.pem && ivsctl playback-key import public.pem --name web"],
  options: (args, env) => ({ file: args.requiredPositional("file"), name: args.string("name"), tags: parseTags(args.list("tag"), env) }),
  run: () => import("../../src/channel/playback-keys.ts").then((m) => m.importPlaybackKey),
});
