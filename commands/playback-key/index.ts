import { defineGroup } from "../../src/cli/command.ts";

export default defineGroup({
  meta: { name: "playback-key", description: "Playback key pairs for private channels: create, import, list, get, delete (3 per region)" },
  examples: ["ivsctl playback-key create --name web --key-file playback.pem", "ivsctl playback-key create --name web --secret ivs/playback-key"],
  subCommands: {
    create: () => import("./create.ts").then((m) => m.default),
    import: () => import("./import.ts").then((m) => m.default),
    list: () => import("./list.ts").then((m) => m.default),
    get: () => import("./get.ts").then((m) => m.default),
    delete: () => import("./delete.ts").then((m) => m.default),
  },
});
