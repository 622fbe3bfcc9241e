import { globalArgs, mutatingArgs } from "../../src/cli/args.ts";
import { defineLeaf } from "../../src/cli/command.ts";
import { roleArgs, roleOverridesFrom } from "../../src/stack/roles.ts";

export default defineLeaf({
  meta: { name: "stop", description: "Stop every VP task of the backend: ivsctl's running tasks, or the sample's StopVpTasks (asks; --yes off a terminal)" },
  args: { ...roleArgs, ...mutatingArgs, ...globalArgs },
  examples: ["ivsctl vp stop --stack my-vp --yes", "ivsctl vp stop --stack IVSVirtualParticipant-dev --dry-run"],
  options: (args) => ({ overrides: roleOverridesFrom(args) }),
  run: () => import("../../src/stack/backend.ts").then((m) => m.stopVps),
});
