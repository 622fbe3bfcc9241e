import { defineGroup } from "../../src/cli/command.ts";

export default defineGroup({
  meta: { name: "stack", description: "CloudFormation stack outputs and the roles ivsctl resolves from them" },
  examples: ["ivsctl stack outputs --stack ivsctl-local --local", "IVSCTL_STACK=my-vp ivsctl stack outputs -o json | jq -r .Roles.cluster.value"],
  subCommands: {
    outputs: () => import("./outputs.ts").then((m) => m.default),
  },
});
