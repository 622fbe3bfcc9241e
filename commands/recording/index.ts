import { defineGroup } from "../../src/cli/command.ts";

export default defineGroup({
  meta: { name: "recording", description: "Recording configurations (record to S3): create, list, get, delete" },
  examples: ["ivsctl recording create --bucket my-vods --name vods --renditions HD,SD --thumbnails 10s --wait"],
  subCommands: {
    create: () => import("./create.ts").then((m) => m.default),
    list: () => import("./list.ts").then((m) => m.default),
    get: () => import("./get.ts").then((m) => m.default),
    delete: () => import("./delete.ts").then((m) => m.default),
  },
});
