import { defineGroup } from "../../src/cli/command.ts";

export default defineGroup({
  meta: { name: "stack", description: "CloudFormation stack outputs and the roles ivsctl resolves from them" },
  subCommands: {
    outputs: () => import("./outputs.ts").then((m) => m.default),
  },
});
