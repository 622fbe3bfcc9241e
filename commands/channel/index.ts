import { defineGroup } from "../../src/cli/command.ts";

export default defineGroup({
  meta: { name: "channel", description: "Low-latency channels: create, list, get, update, delete" },
  examples: ["ivsctl channel create --name demo --type STANDARD --latency LOW", "ivsctl channel list -o json | jq -r '.channels[].arn'"],
  subCommands: {
    create: () => import("./create.ts").then((m) => m.default),
    list: () => import("./list.ts").then((m) => m.default),
    get: () => import("./get.ts").then((m) => m.default),
    update: () => import("./update.ts").then((m) => m.default),
    delete: () => import("./delete.ts").then((m) => m.default),
    token: () => import("./token.ts").then((m) => m.default),
  },
});
