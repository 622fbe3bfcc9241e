import { defineGroup } from "../../src/cli/command.ts";

export default defineGroup({
  meta: { name: "stream-key", description: "Stream keys of a channel: create, list, get, delete, rotate (values redacted unless --show-secrets)" },
  examples: ["ivsctl stream-key get demo --show-secrets", "ivsctl stream-key rotate demo --yes"],
  subCommands: {
    create: () => import("./create.ts").then((m) => m.default),
    list: () => import("./list.ts").then((m) => m.default),
    get: () => import("./get.ts").then((m) => m.default),
    delete: () => import("./delete.ts").then((m) => m.default),
    rotate: () => import("./rotate.ts").then((m) => m.default),
  },
});
