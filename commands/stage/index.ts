import { defineGroup } from "../../src/cli/command.ts";

export default defineGroup({
  meta: { name: "stage", description: "Real-time stages: create, list, get, delete, participant tokens, participants, sessions" },
  examples: [
    "ivsctl stage create --name demo --token-user-id host",
    "ivsctl stage token demo --self-signed --count 1000 -o json > tokens.jsonl",
  ],
  subCommands: {
    create: () => import("./create.ts").then((m) => m.default),
    list: () => import("./list.ts").then((m) => m.default),
    get: () => import("./get.ts").then((m) => m.default),
    delete: () => import("./delete.ts").then((m) => m.default),
    token: () => import("./token.ts").then((m) => m.default),
    participants: () => import("./participants.ts").then((m) => m.default),
    disconnect: () => import("./disconnect.ts").then((m) => m.default),
    sessions: () => import("./sessions.ts").then((m) => m.default),
  },
});
