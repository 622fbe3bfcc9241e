/** Stage operations against IVS real-time. Each takes the injected context; the SDK loads with this module. */
import { deleteUnlessGone } from "../cli/delete.ts";
import {
  CreateStageCommand,
  DeleteStageCommand,
  DisconnectParticipantCommand,
  GetStageCommand,
  paginateListParticipants,
  paginateListStageSessions,
  paginateListStages,
  type IVSRealTimeClient,
  type ParticipantSummary,
  type Stage,
  type StageSummary,
} from "@aws-sdk/client-ivs-realtime";
import { parseResourceRef } from "../aws/resolve.ts";
import { confirmOrRefuse, type Context } from "../cli/context.ts";
import { printDryRun } from "../cli/dry-run.ts";
import { doing, stateError, toCliError, usageError } from "../cli/errors.ts";
import type { Cell, HumanView } from "../cli/output.ts";
import { checkCreateStage, checkDisconnectReason, type CreateStageOptions } from "./options.ts";
import { fetchStage, resolveStageArn } from "./lookup.ts";
import { selfSignedToken, type IssuedToken } from "../tokens/self-signed.ts";
import { loadSigningKey } from "../keys/signing-key.ts";
import type { RoleOverrides } from "../stack/roles.ts";
import { stageVpStopper } from "../vp/hooks.ts";
import { collect } from "../aws/paginate.ts";
import { tagsCell } from "../aws/tags.ts";
import { arnId } from "../contract/arn.ts";

export { fetchStage, resolveStageArn };

/** Stops the virtual participants on a stage (the VP backend's hook); returns how many. */
export type StopStageVps = (ctx: Context, stageArn: string) => Promise<number>;

async function stagesNamed(rt: IVSRealTimeClient, name: string): Promise<StageSummary[]> {
  return (await collect(paginateListStages({ client: rt }, {}), (p) => p.stages, "listing stages")).filter((x) => x.name === name);
}

export function stageView(s: Stage, token?: IssuedToken, title?: string): HumanView {
  const fields: [string, Cell][] = [
    ["Name", s.name],
    ["ARN", s.arn],
    ["ID", arnId(s.arn)],
    ["Active session", s.activeSessionId],
    ["WHIP", s.endpoints?.whip],
    ["Events", s.endpoints?.events],
    ["RTMP", s.endpoints?.rtmp],
    ["RTMPS", s.endpoints?.rtmps],
  ];
  const tags = Object.entries(s.tags ?? {});
  if (tags.length) fields.push(["Tags", tags.map(([k, v]) => `${k}=${v}`).join(", ")]);
  if (token) {
    fields.push(
      ["Participant", token.participantId],
      ["User id", token.userId],
      ["Capabilities", token.capabilities.join(",")],
      ["Expires", token.expirationTime],
      ["Token source", token.source],
      ["Token", token.token],
    );
  }
  return { kind: "record", title, fields };
}

export async function createStage(ctx: Context, opts: CreateStageOptions): Promise<void> {
  checkCreateStage(opts);
  const apiToken = opts.token && !opts.selfSigned;
  const request = {
    ...(opts.name !== undefined ? { name: opts.name } : {}),
    ...(opts.tags ? { tags: opts.tags } : {}),
    ...(apiToken
      ? { participantTokenConfigurations: [{ userId: opts.token!.userId, capabilities: opts.token!.capabilities, duration: opts.token!.durationMinutes, attributes: opts.token!.attributes }] }
      : {}),
  };
  if (ctx.globals.dryRun) return printDryRun(ctx, "CreateStage", opts.selfSigned ? { ...request, selfSignedToken: "signed locally with the current key after CreateStage" } : request);
  // Load the signing key first: a missing key must not leave a stage behind.
  const key = opts.selfSigned ? await loadSigningKey(ctx, opts) : undefined;
  const rt = await ctx.aws.realtime();
  // IVS allows two stages with one name; a re-run of a CI script should not make a second one.
  if (opts.name) {
    const existing = await stagesNamed(rt, opts.name);
    if (existing.length > 0 && !opts.ifNotExists) {
      throw stateError(`a stage named ${opts.name} exists already: ${existing.map((x) => x.arn).join(", ")}`, "AlreadyExists", "pass --if-not-exists to print it instead, or choose another --name");
    }
    if (existing.length === 1) {
      const { stage } = await doing(`reading stage ${existing[0]!.arn}`, () => rt.send(new GetStageCommand({ arn: existing[0]!.arn! })));
      ctx.log.info(`stage ${opts.name} exists already: ${stage!.arn} (--if-not-exists: not created, no token minted)`);
      ctx.out.result({ stage, participantTokens: [], created: false }, stageView(stage!));
      return;
    }
    if (existing.length > 1) throw usageError(`"${opts.name}" matches ${existing.length} stages: ${existing.map((x) => x.arn).join(", ")}`, "name it by ARN");
  }
  const res = await rt.send(new CreateStageCommand(request)).catch((e) => {
    throw toCliError(e, "creating stage");
  });
  const stage = res.stage!;
  let token: IssuedToken | undefined;
  const t = res.participantTokens?.[0];
  if (t) {
    token = { token: t.token!, participantId: t.participantId!, userId: t.userId ?? "", capabilities: (t.capabilities ?? []) as string[], expirationTime: t.expirationTime, source: "api" };
  } else if (key && opts.token) {
    token = selfSignedToken(stage, key, opts.token, ctx.now());
  }
  ctx.log.success(`created stage ${stage.name || stage.arn}`);
  // AWS's CreateStage returns `participantTokens` (an array): the same name and shape here.
  ctx.out.result({ stage, participantTokens: token ? [token] : [], created: true }, stageView(stage, token));
}

export async function listStages(ctx: Context): Promise<void> {
  const rt = await ctx.aws.realtime();
  const stages = await collect(paginateListStages({ client: rt }, {}), (p) => p.stages, "listing stages");
  ctx.out.result(
    { stages },
    { kind: "table", columns: ["name", "id", "active session", "tags"], rows: stages.map((s) => [s.name, arnId(s.arn), s.activeSessionId, tagsCell(s.tags)]) },
  );
}

export async function getStage(ctx: Context, ref: string): Promise<void> {
  const { stage } = await fetchStage(ctx, ref);
  ctx.out.result({ stage }, stageView(stage));
}

async function connectedParticipants(rt: IVSRealTimeClient, stage: Stage): Promise<ParticipantSummary[]> {
  if (!stage.activeSessionId) return [];
  const out: ParticipantSummary[] = [];
  for await (const page of paginateListParticipants({ client: rt }, { stageArn: stage.arn, sessionId: stage.activeSessionId, filterByState: "CONNECTED" })) out.push(...(page.participants ?? []));
  return out;
}

/**
 * Delete in order: disconnect the current participants, stop the stage's virtual participants
 * (when a VP backend is known), delete the stage. Every step is reported.
 */
export async function deleteStage(ctx: Context, opts: { stage: string; overrides: RoleOverrides; ifExists?: boolean }, deps: { stopVps?: StopStageVps } = {}): Promise<void> {
  if (opts.ifExists) return deleteUnlessGone(ctx, opts.stage, "stage", () => fetchStage(ctx, opts.stage), () => deleteStage(ctx, { ...opts, ifExists: false }, deps));
  const stopVps = deps.stopVps ?? stageVpStopper(ctx, opts.overrides);
  const { rt, stage } = await fetchStage(ctx, opts.stage);
  const arn = stage.arn!;
  let participants: ParticipantSummary[];
  try {
    participants = await connectedParticipants(rt, stage);
  } catch (e) {
    throw toCliError(e, `listing participants of ${arn}`);
  }
  if (ctx.globals.dryRun) {
    return printDryRun(ctx, "DeleteStage", { arn, disconnect: participants.map((p) => p.participantId), stopVirtualParticipants: Boolean(stopVps) });
  }
  await confirmOrRefuse(ctx, `Delete stage ${arn}${participants.length ? ` and disconnect ${participants.length} participant(s)` : ""}?`);
  const disconnected: string[] = [];
  for (const p of participants) {
    try {
      await rt.send(new DisconnectParticipantCommand({ stageArn: arn, participantId: p.participantId!, reason: "stage deleted by ivsctl" }));
      disconnected.push(p.participantId!);
    } catch (e) {
      if ((e as Error).name !== "ResourceNotFoundException") throw toCliError(e, `disconnecting participant ${p.participantId} from ${arn}`);
    }
  }
  ctx.log.info(`step 1/3: disconnected ${disconnected.length} participant(s)`);
  let vpsStopped: number | null = null;
  if (stopVps) {
    vpsStopped = await stopVps(ctx, arn);
    ctx.log.info(`step 2/3: stopped ${vpsStopped} virtual participant(s)`);
  } else ctx.log.info("step 2/3: no stack known: no virtual participants to stop");
  try {
    await rt.send(new DeleteStageCommand({ arn }));
  } catch (e) {
    throw toCliError(e, `deleting stage ${arn}`);
  }
  ctx.log.success(`step 3/3: deleted stage ${arn}`);
  ctx.out.result(
    { arn, deleted: true, disconnectedParticipants: disconnected, virtualParticipantsStopped: vpsStopped },
    { kind: "record", fields: [["Deleted", arn], ["Disconnected", disconnected.length], ["VPs stopped", vpsStopped ?? "-"]] },
  );
}

export async function listSessions(ctx: Context, ref: string): Promise<void> {
  const { rt, stage } = await fetchStage(ctx, ref);
  const sessions = await collect(paginateListStageSessions({ client: rt }, { stageArn: stage.arn }), (p) => p.stageSessions, `listing sessions of ${stage.arn}`);
  ctx.out.result(
    { stageArn: stage.arn, activeSessionId: stage.activeSessionId ?? null, stageSessions: sessions },
    { kind: "table", columns: ["session", "start", "end", "active"], rows: sessions.map((s) => [s.sessionId, s.startTime, s.endTime, s.sessionId === stage.activeSessionId]) },
  );
}

export async function listParticipants(ctx: Context, opts: { stage: string; session?: string; state?: "CONNECTED" | "DISCONNECTED" }): Promise<void> {
  if (opts.session !== undefined && !/^st-[a-zA-Z0-9]{13}$/.test(opts.session)) {
    const { usageError } = await import("../cli/errors.ts");
    throw usageError(`--session must be a stage session id like st-AbCdEf0123456 (got "${opts.session}")`);
  }
  const { rt, stage } = await fetchStage(ctx, opts.stage);
  let sessionId = opts.session ?? stage.activeSessionId;
  const participants: ParticipantSummary[] = [];
  try {
    if (!sessionId) {
      // No live session: show the most recent one, if any.
      for await (const page of paginateListStageSessions({ client: rt }, { stageArn: stage.arn, maxResults: 1 })) {
        sessionId = page.stageSessions?.[0]?.sessionId;
        break;
      }
    }
    if (sessionId) {
      for await (const page of paginateListParticipants({ client: rt }, { stageArn: stage.arn, sessionId, filterByState: opts.state })) participants.push(...(page.participants ?? []));
    }
  } catch (e) {
    throw toCliError(e, `listing participants of ${stage.arn}`);
  }
  ctx.out.result(
    { stageArn: stage.arn, sessionId: sessionId ?? null, participants },
    { kind: "table", columns: ["participant", "user", "state", "joined", "published"], rows: participants.map((p) => [p.participantId, p.userId, p.state, p.firstJoinTime, p.published]) },
  );
}

export async function disconnect(ctx: Context, opts: { stage: string; participantId: string; reason?: string }): Promise<void> {
  checkDisconnectReason(opts.reason);
  const { checkParticipantId } = await import("../tokens/participant.ts");
  checkParticipantId(opts.participantId, "<participant-id>");
  parseResourceRef(opts.stage, "stage");
  const rt = await ctx.aws.realtime();
  let arn: string;
  try {
    arn = await resolveStageArn(rt, opts.stage);
  } catch (e) {
    throw toCliError(e, `finding stage ${opts.stage}`);
  }
  const request = { stageArn: arn, participantId: opts.participantId, ...(opts.reason ? { reason: opts.reason } : {}) };
  if (ctx.globals.dryRun) return printDryRun(ctx, "DisconnectParticipant", request);
  try {
    await rt.send(new DisconnectParticipantCommand(request));
  } catch (e) {
    throw toCliError(e, `disconnecting participant ${opts.participantId}`);
  }
  ctx.log.success(`disconnected ${opts.participantId} from ${arn}`);
  ctx.out.result({ ...request, disconnected: true }, { kind: "record", fields: [["Disconnected", opts.participantId], ["Stage", arn]] });
}
