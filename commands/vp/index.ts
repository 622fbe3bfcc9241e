import { defineGroup } from "../../src/cli/command.ts";

export default defineGroup({
  meta: { name: "vp", description: "Virtual participants: ECS tasks that join a stage or the VP sample's warm pool (invite, kick, list, stop, run)" },
  examples: ["ivsctl vp invite demo-stage --asset intro.mp4 --wait --stack my-vp", "ivsctl vp list --stack my-vp", "ivsctl vp kick demo-stage --stack my-vp"],
  subCommands: {
    invite: () => import("./invite.ts").then((m) => m.default),
    kick: () => import("./kick.ts").then((m) => m.default),
    list: () => import("./list.ts").then((m) => m.default),
    stop: () => import("./stop.ts").then((m) => m.default),
    run: () => import("./run.ts").then((m) => m.default),
  },
});
