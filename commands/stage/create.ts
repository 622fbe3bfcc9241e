import { globalArgs, mutatingArgs } from "../../src/cli/args.ts";
import { defineLeaf } from "../../src/cli/command.ts";
import { parseTags } from "../../src/aws/tags.ts";
import { keySourceArgs, keySourceFrom, tokenArgs, tokenOptionsFrom } from "./flags.ts";
import { tagArg } from "../args.ts";

export default defineLeaf({
  meta: { name: "create", description: "Create a stage and a host participant token; prints the ARN, endpoints and token" },
  args: {
    name: { type: "string", description: "Stage name", valueHint: "name" },
    ...tagArg,
    ...tokenArgs("token-"),
    token: { type: "boolean", description: "Create a host token (default; --no-token for none)" },
    "if-not-exists": { type: "boolean", description: "A stage with this --name already there is printed (created: false), not refused (exit 5)" },
    "self-signed": { type: "boolean", description: "Sign the host token with the current key instead of CreateParticipantToken" },
    ...keySourceArgs,
    ...mutatingArgs,
    ...globalArgs,
  },
  examples: [
    "ivsctl stage create --name demo",
    "ivsctl stage create --name demo --token-user-id host --token-capabilities publish,subscribe --token-ttl 2h",
    "ivsctl stage create --name demo --self-signed --stack my-vp-stack",
    "ivsctl stage create --name empty --no-token -o json",
  ],
  options: (args, env) => ({
    name: args.string("name"),
    tags: parseTags(args.list("tag"), env),
    token: args.bool("token") !== false ? tokenOptionsFrom(args, "token-") : undefined,
    selfSigned: args.flag("self-signed"),
    ifNotExists: args.flag("if-not-exists"),
    ...keySourceFrom(args),
  }),
  run: () => import("../../src/stack/backend.ts").then((m) => m.createStage),
});
