/**
 * The demo's steps, in mission order. Each runs the same domain functions as the commands, so
 * the output is real; values later steps need come from the result documents (recorded, see
 * `capture`), never from parsing printed text.
 */
import type { Context } from "../cli/context.ts";
import { Output } from "../cli/output.ts";
import type { LocalServer } from "../local/server.ts";

export interface DemoState {
  ctx: Context;
  server: LocalServer;
  /** Values steps hand to later steps (ARNs, tokens). */
  values: Record<string, string>;
}

export interface DemoStep {
  title: string;
  /** A reason to skip (e.g. ffmpeg missing), checked just before the step runs. */
  skipIf?: (state: DemoState) => string | undefined | Promise<string | undefined>;
  run: (state: DemoState) => Promise<void>;
}

/** Run fn with a context whose output is also recorded; returns the result documents. */
async function capture(state: DemoState, fn: (ctx: Context) => Promise<unknown>): Promise<any[]> {
  const docs: unknown[] = [];
  const out = new Output(state.ctx.io, { ...state.ctx.out.options, record: (j) => docs.push(j) });
  await fn({ ...state.ctx, out });
  return docs;
}

const say = (state: DemoState, text: string) => state.ctx.io.stdout.write(`${text}\n`);
/** The context of the channel steps: `--stack ivsctl-channel`, as a user of the tutorials' stacks would run them. */
const channelStack = (state: DemoState): Context => ({ ...state.ctx, globals: { ...state.ctx.globals, stack: "ivsctl-channel" } });
const noOverrides = { overrides: {} };

export const demoSteps: DemoStep[] = [
  {
    title: "Stack outputs: the roles ivsctl resolves from the seeded stack",
    async run({ ctx }) {
      const { showStackOutputs } = await import("../stack/outputs.ts");
      await showStackOutputs(ctx, noOverrides);
    },
  },
  {
    title: "Create a real-time stage, with a host participant token",
    async run(state) {
      const { createStage } = await import("../stage/stages.ts");
      const [doc] = await capture(state, (ctx) =>
        createStage(ctx, { name: "demo-stage", token: { capabilities: ["PUBLISH", "SUBSCRIBE"], durationMinutes: 720, userId: "host" }, selfSigned: false, ...noOverrides }),
      );
      state.values.stageArn = doc.stage.arn;
    },
  },
  {
    title: "Create the stack's signing key, mint a self-signed token, verify it at join",
    async run(state) {
      const { rotateKeys } = await import("../keys/rotate.ts");
      await rotateKeys(state.ctx, { graceMs: 0, ...noOverrides });
      const { mintStageTokens } = await import("../stage/tokens.ts");
      const [doc] = await capture(state, (ctx) =>
        mintStageTokens(ctx, { stage: state.values.stageArn!, token: { capabilities: ["SUBSCRIBE"], durationMinutes: 60, userId: "viewer-1" }, selfSigned: true, ...noOverrides }),
      );
      const token: string = doc.participantToken.token;
      // The emulator checks the token as IVS does at join: signature against the key named by kid, expiry, stage.
      const res = await fetch(`${state.server.url}/_ivsctl/stages/join`, { method: "POST", body: JSON.stringify({ token }) });
      const joined = (await res.json()) as { state?: string; participantId?: string; reason?: string };
      if (!res.ok) throw new Error(`the emulator refused the self-signed token: ${joined.reason}`);
      say(state, `\njoin: participant ${joined.participantId} is ${joined.state} (signature, expiry and stage checked)`);
      const { listParticipants } = await import("../stage/stages.ts");
      await listParticipants(state.ctx, { stage: state.values.stageArn!, state: "CONNECTED" });
    },
  },
  {
    title: "Invite a virtual participant (ECS task), list it, kick it",
    async run(state) {
      const vp = await import("../vp/vp.ts");
      const stage = state.values.stageArn!;
      await vp.inviteVp(state.ctx, { stage, asset: "demo.mp4", userId: "vp-1", attributes: undefined, env: {}, wait: true, timeoutMs: 30_000, force: false, ...noOverrides });
      await vp.listVps(state.ctx, { stage, all: false, ...noOverrides });
      await vp.kickVp(state.ctx, { stage, all: true, participantId: undefined, ...noOverrides });
    },
  },
  {
    title: "Rotate the signing key with a 10-minute grace period",
    async run(state) {
      const { rotateKeys } = await import("../keys/rotate.ts");
      await rotateKeys(state.ctx, { graceMs: 10 * 60_000, ...noOverrides });
      const { listKeys } = await import("../keys/keys.ts");
      await listKeys(state.ctx, noOverrides);
    },
  },
  {
    title: "The tutorials' channel stack (ivsctl-channel): a private channel and a signed playback URL, from --stack alone",
    async run(state) {
      const ctx = channelStack(state);
      const { showStackOutputs } = await import("../stack/outputs.ts");
      await showStackOutputs(ctx, noOverrides);
      say(state, "(the stream key that the stack outputs is redacted; the playback private key is read from the stack's secret, never printed)");
      const { channelToken } = await import("../channel/playback-token.ts");
      await channelToken(ctx, { ttlMs: 5 * 60_000, origins: ["https://example.com"], strictOrigin: false, singleUse: true, count: 1 });
    },
  },
  {
    title: "Stream a 15 s test pattern over RTMPS into the stack's channel; put timed metadata while live",
    skipIf: () => (Bun.which("ffmpeg") ? undefined : "ffmpeg is not installed (Debian: apt-get install ffmpeg)"),
    async run(state) {
      const ctx = channelStack(state);
      const { runIngest } = await import("../ingest/ingest.ts");
      const { putMetadata } = await import("../metadata/metadata.ts");
      const { channelRef } = await import("../channel/target.ts");
      const channel = await channelRef(ctx, undefined);
      const ingest = runIngest(ctx, {
        keep: false,
        loop: false,
        resolution: { width: 1280, height: 720 },
        resolutionGiven: false,
        fps: 30,
        audioBitrateBps: 128_000,
        durationMs: 15_000,
        waitLive: true,
      });
      const { pollUntil } = await import("../cli/wait.ts");
      const { GetStreamCommand } = await import("@aws-sdk/client-ivs");
      const ivs = await ctx.aws.ivs();
      await pollUntil(
        () => ivs.send(new GetStreamCommand({ channelArn: channel })).then((r) => r.stream?.state, () => "OFFLINE"),
        (s) => s === "LIVE",
        { what: "the stream to go LIVE", timeoutMs: 10_000, intervalMs: 200, now: ctx.now },
      );
      await putMetadata(ctx, { payload: JSON.stringify({ question: "Is the demo live?", answers: ["yes", "very"] }), json: true });
      await ingest;
    },
  },
  {
    title: "Stream sessions of the stack's channel",
    async run(state) {
      const { listSessions } = await import("../channel/streams.ts");
      await listSessions(channelStack(state), {});
    },
  },
  {
    title: "The VP sample's own stack (ivsctl-sample), driven through its function URLs: stage, VP, key rotation, VP again, delete",
    async run(state) {
      const ctx: Context = { ...state.ctx, globals: { ...state.ctx.globals, stack: "ivsctl-sample" } };
      const sample = await import("../vp/sample-commands.ts");
      const [created] = await capture(state, (c) => sample.createStage({ ...c, globals: ctx.globals }, { selfSigned: false, token: { capabilities: ["PUBLISH", "SUBSCRIBE"], durationMinutes: 720 }, ...noOverrides }));
      const stage = created.sampleStageId as string;
      const invite = { stage, env: {}, wait: true, timeoutMs: 30_000, force: false, ...noOverrides };
      await sample.inviteVp(ctx, invite);
      await sample.kickVp(ctx, { stage, all: false, wait: true, timeoutMs: 30_000, ...noOverrides });
      await sample.rotateKeys(ctx, { graceMs: 10 * 60_000, ...noOverrides });
      say(state, "(the sample's own token function now signs with the new key: the next VP joins with it)");
      await sample.inviteVp(ctx, invite);
      await sample.deleteStage({ ...ctx, globals: { ...ctx.globals, yes: true } }, { stage, ...noOverrides });
    },
  },
  {
    title: "Clean up: the stage and its VPs (the channel stack's resources stay: the stack owns them)",
    async run(state) {
      const { deleteStage } = await import("../stage/stages.ts");
      await deleteStage(state.ctx, { stage: state.values.stageArn!, overrides: {} });
    },
  },
];
