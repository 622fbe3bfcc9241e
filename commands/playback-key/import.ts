import { globalArgs, mutatingArgs } from "../../src/cli/args.ts";
import { defineLeaf } from "../../src/cli/command.ts";
import { parseTags } from "../../src/aws/tags.ts";

export default defineLeaf({
  meta: { name: "import", description: "Import an existing P-384 public key PEM (ImportPlaybackKeyPair)" },
  args: {
    file: { type: "positional", description: "Public key PEM file (- for stdin); a private key file sends only its public half" },
    name: { type: "string", description: "Key pair name", valueHint: "name" },
    tag: { type: "string", description: "Tag as key=value", valueHint: "k=v", repeatable: true },
    ...mutatingArgs,
    ...globalArgs,
  },
  examples: ["openssl ec -in private.pem -pubout -out public.pem && ivsctl playback-key import public.pem --name web"],
  async handler(ctx, args) {
    const opts = { file: args.requiredPositional("file"), name: args.string("name"), tags: parseTags(args.list("tag"), ctx.env), dryRun: ctx.globals.dryRun };
    const { importPlaybackKey } = await import("../../src/channel/playback-keys.ts");
    await importPlaybackKey(ctx, opts);
  },
});
