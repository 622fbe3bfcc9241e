import { globalArgs } from "../../src/cli/args.ts";
import { defineLeaf } from "../../src/cli/command.ts";
import { VP_ENV } from "../../src/contract/vp-env.ts";

export default defineLeaf({
  meta: {
    name: "run",
    description: "Be a virtual participant: publish an asset (or a test pattern with a tone) to a stage over WHIP until SIGTERM; the VP container's entrypoint (reads STAGE_ARN, PARTICIPANT_TOKEN, WHIP_URL, ASSET_NAME)",
  },
  args: {
    stage: { type: "string", description: "Stage ARN the token must be for (default: $STAGE_ARN)", valueHint: "arn" },
    "token-file": { type: "string", description: "File holding the participant token (default: $PARTICIPANT_TOKEN)", valueHint: "path" },
    asset: { type: "string", description: "What to publish, looped: a file, an s3://bucket/key URL, or a name under $ASSET_BASE (default: $ASSET_NAME; empty: test pattern with a tone)", valueHint: "./talk.mp4" },
    ...globalArgs,
  },
  examples: ["ivsctl vp run --token-file token.jwt", "ivsctl vp run --stage arn:aws:ivs:us-east-1:123456789012:stage/AbCdEf012345 --token-file token.jwt --asset ./talk.mp4"],
  options: (args, env) => ({
    stageArn: args.string("stage") ?? (env[VP_ENV.stageArn] || undefined),
    tokenFile: args.string("token-file"),
    asset: args.string("asset") ?? env[VP_ENV.asset] ?? "",
    whipUrl: env[VP_ENV.whipUrl] || undefined,
  }),
  run: () => import("../../src/vp/run.ts").then((m) => m.runVp),
});
