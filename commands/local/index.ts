import { defineGroup } from "../../src/cli/command.ts";

export default defineGroup({
  meta: { name: "local", description: "The embedded emulator of the AWS APIs ivsctl uses" },
  examples: ["ivsctl local start --detach && ivsctl channel list --local && ivsctl local stop"],
  subCommands: {
    start: () => import("./start.ts").then((m) => m.default),
    stop: () => import("./stop.ts").then((m) => m.default),
    status: () => import("./status.ts").then((m) => m.default),
  },
});
