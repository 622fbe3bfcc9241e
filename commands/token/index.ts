import { defineGroup } from "../../src/cli/command.ts";

export default defineGroup({
  meta: { name: "token", description: "Inspect playback and participant tokens: decode, verify signature and expiry" },
  examples: ["ivsctl token decode eyJhbGciOiJFUzM4NCIs...", "ivsctl token verify \"$TOKEN\" --public-key public.pem"],
  subCommands: {
    decode: () => import("./decode.ts").then((m) => m.default),
    verify: () => import("./verify.ts").then((m) => m.default),
  },
});
