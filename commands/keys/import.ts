import { globalArgs, mutatingArgs } from "../../src/cli/args.ts";
import { defineLeaf } from "../../src/cli/command.ts";
import { parseTags } from "../../src/aws/tags.ts";
import { tagArg } from "../args.ts";

export default defineLeaf({
  meta: { name: "import", description: "Import a P-384 public key (PEM file, or - for stdin) for self-signed participant tokens" },
  args: {
    file: { type: "positional", description: "public.pem (a private key PEM works too: only its public half is sent)" },
    name: { type: "string", description: "Key name", valueHint: "name" },
    ...tagArg,
    ...mutatingArgs,
    ...globalArgs,
  },
  examples: ["openssl ecparam -name secp384r1 -genkey -noout -out priv.pem && openssl ec -in priv.pem -pubout -out public.pem", "ivsctl keys import public.pem --name mine"],
  options: (args, env) => ({ file: args.requiredPositional("file"), name: args.string("name"), tags: parseTags(args.list("tag"), env) }),
  run: () => import("../../src/keys/keys.ts").then((m) => m.importKey),
});
