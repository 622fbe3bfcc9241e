import { defineGroup } from "../../src/cli/command.ts";

export default defineGroup({
  meta: { name: "keys", description: "Participant-token signing keys (IVS real-time public keys): list, rotate, prune, import, delete" },
  examples: ["ivsctl keys list --stack my-vp-stack", "ivsctl keys rotate --stack my-vp-stack --grace 24h", "ivsctl keys prune --stack my-vp-stack"],
  subCommands: {
    list: () => import("./list.ts").then((m) => m.default),
    rotate: () => import("./rotate.ts").then((m) => m.default),
    prune: () => import("./prune.ts").then((m) => m.default),
    import: () => import("./import.ts").then((m) => m.default),
    delete: () => import("./delete.ts").then((m) => m.default),
  },
});
