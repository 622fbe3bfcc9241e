import { defineGroup } from "../../src/cli/command.ts";

export default defineGroup({
  meta: { name: "stream", description: "Live streams and stream sessions: get, list, stop, sessions, session, wait" },
  examples: ["ivsctl stream get demo", "ivsctl stream list --health STARVING", "ivsctl stream stop demo --yes"],
  subCommands: {
    get: () => import("./get.ts").then((m) => m.default),
    list: () => import("./list.ts").then((m) => m.default),
    stop: () => import("./stop.ts").then((m) => m.default),
    sessions: () => import("./sessions.ts").then((m) => m.default),
    wait: () => import("./wait.ts").then((m) => m.default),
    session: () => import("./session.ts").then((m) => m.default),
  },
});
