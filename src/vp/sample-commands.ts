/**
 * The commands on a VP-sample stack: the same options as ivsctl's own backend, carried out through
 * the sample's function URLs (src/vp/sample-backend.ts) and printed in the same shapes. Flags that
 * only ivsctl's backend can honour are refused (exit 2) before the sample is called, saying why.
 */
import type { Context } from "../cli/context.ts";
import { confirmOrRefuse } from "../cli/context.ts";
import { printDryRun } from "../cli/dry-run.ts";
import { doing, stateError, usageError } from "../cli/errors.ts";
import { deleteUnlessGone } from "../cli/delete.ts";
import type { HumanView } from "../cli/output.ts";
import type { RotateOptions } from "../keys/model.ts";
import { stackResolver } from "../stack/resolve.ts";
import { sampleEndpoints } from "../stack/kind.ts";
import { ROLE_SPECS, type RoleOverrides, type RoleSpec } from "../stack/roles.ts";
import type { CreateStageOptions } from "../stage/options.ts";
import type { InviteOptions, KickOptions, ListOptions } from "./options.ts";
import * as sample from "./sample-backend.ts";
import { arnId } from "../contract/arn.ts";

/** The sample backend of the context's stack: its endpoints, a signed-request invoker, the clock. */
export async function sampleBackendOf(ctx: Context): Promise<sample.SampleBackend> {
  const outputs = await stackResolver(ctx, {}).outputs();
  const { functionUrlInvoker } = await import("../aws/function-url.ts");
  return {
    stack: ctx.globals.stack!,
    endpoints: sampleEndpoints(outputs),
    invoke: functionUrlInvoker(ctx.aws, ctx.log),
    now: ctx.now,
    stageExists: async (arn) => {
      const { GetStageCommand } = await import("@aws-sdk/client-ivs-realtime");
      const rt = await ctx.aws.realtime();
      return rt.send(new GetStageCommand({ arn })).then(
        () => true,
        (e) => {
          if ((e as Error).name === "ResourceNotFoundException") return false;
          throw e;
        },
      );
    },
    stageNames: async () => {
      const { paginateListStages } = await import("@aws-sdk/client-ivs-realtime");
      const { collect } = await import("../aws/paginate.ts");
      const stages = await collect(paginateListStages({ client: await ctx.aws.realtime() }, {}), (p) => p.stages, "listing stages");
      return stages.filter((st) => st.name).map((st) => ({ arn: st.arn!, name: st.name! }));
    },
    log: (m) => ctx.log.info(m),
  };
}

async function keyDeps(ctx: Context): Promise<sample.SampleKeyDeps> {
  const [ssm, secrets, realtime] = await Promise.all([ctx.aws.ssm(), ctx.aws.secrets(), ctx.aws.realtime()]);
  const { parseTags } = await import("../aws/tags.ts");
  return { stack: ctx.globals.stack!, ssm, secrets, realtime, now: ctx.now, tags: parseTags([], ctx.env) };
}

function refuse(flag: string, why: string): never {
  throw usageError(`${flag} does not apply to a VP-sample stack: ${why}`, "see `ivsctl stack outputs` for the stack's kind");
}

/** The sample's stack names its own cluster, subnets and key secret: a role flag would be silently ignored, so it is refused. */
function refuseRoleFlags(overrides: RoleOverrides): void {
  const given = Object.keys(overrides) as (keyof RoleOverrides)[];
  if (given.length > 0) refuse(`--${(ROLE_SPECS[given[0]!] as RoleSpec).flag ?? given[0]}`, "the sample's backend names its own cluster, network and key secret");
}

const vpTable = (vps: sample.VpView[]): HumanView => ({
  kind: "table",
  columns: ["id", "status", "stage", "task", "asset", "updated", "source"],
  rows: vps.map((v) => [v.id, v.status, arnId(v.stageArn), v.taskId, v.assetName, v.updatedAt, v.lastUpdateSource]),
});

export async function createStage(ctx: Context, o: CreateStageOptions): Promise<void> {
  refuseRoleFlags(o.overrides);
  if (o.name !== undefined) refuse("--name", "its CreateIvsStage makes unnamed stages");
  if (o.selfSigned) refuse("--self-signed", "its own function signs the host token with the stack's key");
  if (o.token === undefined) refuse("--no-token", "its CreateIvsStage always issues a host token");
  if (ctx.globals.dryRun) return printDryRun(ctx, "CreateIvsStage (function URL)", { userId: o.token.userId ?? "HOST_USER", attributes: o.token.attributes ?? null });
  const created = await sample.createStage(await sampleBackendOf(ctx), { userId: o.token.userId, attributes: o.token.attributes });
  // The sample tags its stages {stack}; --tag and IVSCTL_DEFAULT_TAGS are added after, so `sweep` finds them too.
  if (o.tags && Object.keys(o.tags).length > 0) {
    const [{ TagResourceCommand }, rt] = await Promise.all([import("@aws-sdk/client-ivs-realtime"), ctx.aws.realtime()]);
    await doing(`tagging stage ${created.stage.arn}`, () => rt.send(new TagResourceCommand({ resourceArn: created.stage.arn, tags: o.tags! })));
  }
  ctx.log.success(`created stage ${created.stage.arn} (record ${created.sampleStageId}) through ${ctx.globals.stack}`);
  const t = created.participantToken;
  // The same shape as ivsctl's backend (AWS's CreateStage names), plus the Stages-table id.
  ctx.out.result({ stage: created.stage, participantTokens: [t], created: true, sampleStageId: created.sampleStageId }, {
    kind: "record",
    fields: [
      ["ARN", created.stage.arn],
      ["ID", created.stage.id],
      ["Sample stage id", created.sampleStageId],
      ["WHIP", created.stage.endpoints.whip],
      ["Participant", t.participantId],
      ["User id", t.userId],
      ["Expires", t.expirationTime],
      ["Token", t.token],
    ],
  });
}

export async function listStages(ctx: Context): Promise<void> {
  const { stages } = await sample.listStages(await sampleBackendOf(ctx));
  ctx.out.result(
    { stages },
    { kind: "table", columns: ["sample stage id", "stage", "host participant", "created", "vp"], rows: stages.map((s) => [s.sampleStageId, s.stageArn, s.hostParticipantId, s.createdAt, s.virtualParticipant ? `${s.virtualParticipant.id} (${s.virtualParticipant.status})` : undefined]) },
  );
}

export async function deleteStage(ctx: Context, o: { stage: string; overrides: RoleOverrides; ifExists?: boolean }): Promise<void> {
  refuseRoleFlags(o.overrides);
  const b = await sampleBackendOf(ctx);
  if (o.ifExists) {
    const lookup = async () => sample.resolveStageRecord(b.stack, await sample.fetchStageRecords(b), o.stage);
    return deleteUnlessGone(ctx, o.stage, "stage", lookup, () => deleteStage(ctx, { ...o, ifExists: false }));
  }
  if (ctx.globals.dryRun) {
    const record = sample.resolveStageRecord(b.stack, await sample.fetchStageRecords(b), o.stage);
    return printDryRun(ctx, "KickVp + DeleteIvsStage (function URLs)", { id: record.id, participantId: record.hostParticipantId, stageArn: record.stageArn });
  }
  await confirmOrRefuse(ctx, `Delete stage ${o.stage} (and kick its VP) through ${b.stack}?`);
  const out = await sample.deleteStage(b, o.stage);
  ctx.log.success(`deleted stage ${out.stageArn} and its record ${out.sampleStageId}`);
  ctx.out.result(out, { kind: "record", fields: [["Deleted", out.stageArn], ["Record", out.sampleStageId], ["VP kicked", out.kickedVirtualParticipant ?? "-"]] });
}

export async function inviteVp(ctx: Context, o: InviteOptions): Promise<void> {
  if (o.userId !== undefined) refuse("--user-id", "its VP names itself (user id = its VP_ID)");
  if (o.attributes) refuse("--attribute", "its VP sets its own attributes");
  if (Object.keys(o.env).length) refuse("--env", "its warm VPs are already running");
  if (o.force) refuse("--force", "the sample allows one VP per stage");
  refuseRoleFlags(o.overrides);
  const b = await sampleBackendOf(ctx);
  if (o.ifNone) {
    const record = sample.resolveStageRecord(b.stack, await sample.fetchStageRecords(b), o.stage);
    const vp = (await sample.fetchVpRecords(b)).find((v) => v.stageArn === record.stageArn);
    if (vp) {
      ctx.log.info(`stage ${record.stageArn} already has virtual participant ${vp.id} (${vp.status}): not inviting another (--if-none)`);
      return ctx.out.result({ sampleStageId: record.id, stageArn: record.stageArn, invited: false, virtualParticipant: sample.vpView(vp, b) }, vpTable([sample.vpView(vp, b)]));
    }
  }
  if (ctx.globals.dryRun) return printDryRun(ctx, "InviteVp (function URL)", { stage: o.stage, ...(o.asset ? { assetName: o.asset } : {}) });
  const out = await sample.inviteVp(b, o.stage, { assetName: o.asset, wait: o.wait, timeoutMs: o.timeoutMs });
  ctx.log.success(o.wait ? `virtual participant ${out.virtualParticipant?.id} JOINED ${out.stageArn}` : `invited a virtual participant to ${out.stageArn}`);
  ctx.out.result(out, vpTable(out.virtualParticipant ? [out.virtualParticipant] : []));
}

export async function kickVp(ctx: Context, o: KickOptions): Promise<void> {
  if (o.participantId !== undefined) refuse("--participant", "a sample stage has at most one VP");
  refuseRoleFlags(o.overrides);
  const b = await sampleBackendOf(ctx);
  if (ctx.globals.dryRun) return printDryRun(ctx, "KickVp (function URL)", { stage: o.stage });
  const out = await sample.kickVp(b, o.stage, { wait: o.wait, timeoutMs: o.timeoutMs });
  ctx.log.info(out.message);
  ctx.out.result(out, vpTable(out.virtualParticipant ? [out.virtualParticipant] : []));
}

export async function listVps(ctx: Context, o: ListOptions): Promise<void> {
  refuseRoleFlags(o.overrides);
  const out = await sample.listVps(await sampleBackendOf(ctx), { stage: o.stage });
  ctx.out.result(out, vpTable(out.virtualParticipants));
}

export async function stopVps(ctx: Context, o: { overrides: RoleOverrides } = { overrides: {} }): Promise<void> {
  refuseRoleFlags(o.overrides);
  const b = await sampleBackendOf(ctx);
  if (ctx.globals.dryRun) return printDryRun(ctx, "StopVpTasks (function URL)", {});
  await confirmOrRefuse(ctx, `Stop every warm and invited VP task of ${b.stack}? (JOINED VPs are not stopped; the pool refills)`);
  const out = await sample.stopVps(b);
  ctx.log.success(`stopped ${out.summary.successfulStops} of ${out.summary.totalFound} VP task(s)`);
  ctx.out.result(out, { kind: "table", columns: ["vp", "task", "stopped", "error"], rows: out.details.map((d) => [d.vpId, d.taskId, d.success, d.error]) });
}

export async function rotateKeys(ctx: Context, o: RotateOptions): Promise<void> {
  if (o.privateKeyFile !== undefined) refuse("--key-file", "the key goes to the stack's secret <stack>-PrivateKey");
  refuseRoleFlags(o.overrides);
  if (ctx.globals.dryRun) {
    const steps = ["import public key", "store private key (bare PKCS8 PEM as AWSCURRENT)", "record current key (SSM {\"arn\": …})", o.graceMs === 0 ? "delete previous key" : "retire previous key after the grace period", o.restartVps ? "StopVpTasks" : "restart VPs: not needed"];
    return ctx.out.result({ dryRun: true, stack: ctx.globals.stack, graceMs: o.graceMs, steps }, { kind: "table", title: "Would do:", columns: ["step"], rows: steps.map((s) => [s]) });
  }
  const result = await sample.rotateSampleKey(await keyDeps(ctx), { graceMs: o.graceMs });
  // Its VPs fetch a fresh token per invite: no restart needed (and a restart empties the warm pool).
  const vpsStopped = o.restartVps ? (await sample.stopVps(await sampleBackendOf(ctx))).summary.successfulStops : null;
  ctx.log.success(`rotated: ${result.publicKeyArn} is current`);
  ctx.out.result({ ...result, vpsStopped }, { kind: "table", columns: ["step", "name", "status", "detail"], rows: result.steps.map((s) => [s.step, s.name, s.status, s.detail]) });
  // The rotation holds, but a key that should be gone (or tagged for `keys prune`) is not: say so, non-zero.
  if (result.retireFailed) throw stateError(`the new key ${result.publicKeyArn} is current, but ${result.retireFailed}`, "RetireFailed", "delete or tag the previous key by hand; the report above says which");
}

export async function listKeys(ctx: Context, o: { overrides: RoleOverrides } = { overrides: {} }): Promise<void> {
  refuseRoleFlags(o.overrides);
  const out = await sample.listSampleKeys(await keyDeps(ctx));
  ctx.out.result(
    { currentPublicKeyArn: out.currentArn || null, publicKeys: out.publicKeys },
    { kind: "table", columns: ["arn", "name", "current", "created", "retire after"], rows: out.publicKeys.map((k) => [k.arn, k.name, k.current, k.createdAt, k.retireAfter]) },
  );
}

/** The current key of a sample stack: the ARN SSM names, and the secret that holds its private half. */
export async function currentSampleKey(ctx: Context): Promise<{ arn?: string; secretArn: string }> {
  const d = await keyDeps(ctx);
  return { arn: (await sample.currentSampleKeyArn(d)) || undefined, secretArn: `${d.stack}-PrivateKey` };
}

/** The key self-signed tokens are signed with on a sample stack: the secret's bare PEM, kid = the ARN SSM names. */
export async function signingKeyOf(ctx: Context): Promise<{ privateKeyPem: string; publicKeyArn: string; source: string }> {
  const d = await keyDeps(ctx);
  const key = await sample.sampleSigningKey(d);
  return { ...key, source: `${d.stack}-PrivateKey` };
}
