/**
 * The stage's `endpoints.whip`: a WHIP endpoint (RFC 9725) in front of the emulated stage, as IVS
 * serves one (IVS real-time user guide, "WHIP": POST an SDP offer with `Authorization: Bearer
 * <participant token>`).
 *
 * - `POST /_ivsctl/stages/whip/<stageId>`, `Content-Type: application/sdp` (else 415, RFC 9725 4.2):
 *   the token is verified as every join is (signature, claims, expiry, revocation; src/local/ivs-realtime.ts
 *   joinStage) and must allow publishing. Answers `201 Created` with the SDP answer and a `Location`.
 *   A token that does not verify is 401 with `WWW-Authenticate: Bearer error="invalid_token"`; a valid
 *   token without the publish capability is 403 `insufficient_scope` (RFC 6750 3.1).
 * - `DELETE <Location>`: ends the session (200, RFC 9725 4.2); the participant is DISCONNECTED.
 * - `PATCH <Location>` (trickle ICE, ICE restart): 405, which RFC 9725 4.3.1 allows a server that does not support them.
 * - `GET /_ivsctl/whip/<participantId>`: what the emulator received (frames, packets, keyframes), for tests.
 *
 * The participant is CONNECTED from the POST, `published` from the first media packet. Media that breaks
 * a stage rule (src/local/whip-peer.ts) is a PUBLISH_ERROR and a disconnect. When the
 * participant stops being CONNECTED for any other reason (DisconnectParticipant, DeleteStage), the
 * peer connection is closed with a DTLS close_notify so the client learns it at once.
 */
import { randomBytes } from "node:crypto";
import { JoinError, joinStage, leaveStage, participantConnected, participantPublished, recordParticipantEvent, RT_KIND, type StageDoc } from "./ivs-realtime.ts";
import type { Store } from "./store.ts";
import { answerWhipOffer, WhipOfferError, type WhipPeer, type WhipPeerCounts } from "./whip-peer.ts";

interface WhipSession {
  id: string;
  stageArn: string;
  stageSessionId: string;
  participantId: string;
  peer: WhipPeer;
  startedAt: string;
  firstMediaAt?: string;
  endedAt?: string;
  endReason?: string;
}

export interface WhipRuntime {
  /** A response for a WHIP or inspection route, or undefined when the route is not one of them. */
  handle(route: string, req: Request): Promise<Response> | undefined;
  stop(): Promise<void>;
}

/** How often open sessions are checked against the participant's state (a disconnect must reach the client within 5 s). */
const WATCH_MS = 500;

const sdp = (body: string, status: number, headers: Record<string, string> = {}) =>
  new Response(body, { status, headers: { "content-type": "application/sdp", ...headers } });
const problem = (status: number, error: string, headers: Record<string, string> = {}) => Response.json({ error }, { status, headers });

export function createWhipRuntime(o: { store: Store; now: () => Date }): WhipRuntime {
  const sessions = new Map<string, WhipSession>();
  /** The last session of each participant id, ended ones included, for the inspection route. */
  const byParticipant = new Map<string, WhipSession>();

  async function end(s: WhipSession, reason: string, leave: boolean): Promise<void> {
    if (s.endedAt) return;
    s.endedAt = o.now().toISOString();
    s.endReason = reason;
    sessions.delete(s.id);
    if (leave) leaveStage(o.store, s.stageArn, s.participantId, o.now());
    await s.peer.close();
  }

  const watcher = setInterval(() => {
    for (const s of sessions.values()) {
      if (!participantConnected(o.store, s.stageArn, s.stageSessionId, s.participantId)) void end(s, "the participant was disconnected", false);
    }
  }, WATCH_MS);
  watcher.unref?.();

  async function publish(stageId: string, req: Request, url: URL): Promise<Response> {
    const type = (req.headers.get("content-type") ?? "").split(";")[0]!.trim().toLowerCase();
    if (type !== "application/sdp") return problem(415, `WHIP offers are Content-Type application/sdp, not ${JSON.stringify(type)}`);
    const auth = req.headers.get("authorization") ?? "";
    const token = /^Bearer\s+(\S+)$/i.exec(auth)?.[1];
    if (!token) return problem(401, "Authorization: Bearer <participant token> is required", { "www-authenticate": 'Bearer realm="ivs"' });
    const stage = o.store.list<StageDoc>(RT_KIND.stage).find((s) => s.arn.endsWith(`:stage/${stageId}`));
    if (!stage) return problem(404, `stage ${stageId} does not exist`);
    const offer = await req.text();
    let joined;
    try {
      joined = joinStage(o.store, stage.arn, { token, publish: true }, o.now());
    } catch (e) {
      if (!(e instanceof JoinError)) throw e;
      if (e.reason === "PUBLISH_NOT_ALLOWED" || e.reason === "PARTICIPANT_REVOKED" || e.reason === "STAGE_MISMATCH") {
        return problem(403, e.message, { "www-authenticate": 'Bearer error="insufficient_scope"' });
      }
      return problem(401, e.message, { "www-authenticate": 'Bearer error="invalid_token"' });
    }
    const previous = byParticipant.get(joined.participantId);
    if (previous && !previous.endedAt) await end(previous, "replaced by a new session of the same participant", false);
    let peer: WhipPeer;
    try {
      peer = await answerWhipOffer(offer);
    } catch (e) {
      leaveStage(o.store, stage.arn, joined.participantId, o.now());
      if (e instanceof WhipOfferError) return problem(400, e.message);
      throw e;
    }
    const session: WhipSession = {
      id: randomBytes(12).toString("hex"),
      stageArn: stage.arn,
      stageSessionId: joined.sessionId,
      participantId: joined.participantId,
      peer,
      startedAt: o.now().toISOString(),
    };
    sessions.set(session.id, session);
    byParticipant.set(session.participantId, session);
    peer.onMedia(() => {
      session.firstMediaAt = o.now().toISOString();
      participantPublished(o.store, session.stageArn, session.stageSessionId, session.participantId, o.now());
    });
    peer.onEnded((reason) => void end(session, reason, true));
    // Media that breaks a stage rule: a PUBLISH_ERROR participant event with the rule's code, and the
    // publisher is disconnected, as for RTMP ("the stream will be disconnected", "IVS Stream Ingest").
    peer.onViolation((v) => {
      recordParticipantEvent(o.store, session.stageArn, session.stageSessionId, session.participantId, "PUBLISH_ERROR", o.now(), v.code);
      recordParticipantEvent(o.store, session.stageArn, session.stageSessionId, session.participantId, "PUBLISH_STOPPED", o.now());
      void end(session, `${v.code}: ${v.message}`, true);
    });
    const location = `${url.pathname}/sessions/${session.id}`;
    return sdp(peer.answerSdp, 201, { location, etag: `"${session.id}"` });
  }

  function inspect(participantId: string): Response {
    const s = byParticipant.get(participantId);
    if (!s) return problem(404, `no WHIP session for participant ${participantId}`);
    const counts: WhipPeerCounts = s.peer.counts;
    return Response.json({
      participantId: s.participantId,
      stageArn: s.stageArn,
      sessionId: s.stageSessionId,
      state: s.endedAt ? "ended" : "open",
      startedAt: s.startedAt,
      firstMediaAt: s.firstMediaAt,
      endedAt: s.endedAt,
      endReason: s.endReason,
      ...counts,
    });
  }

  return {
    handle(route, req) {
      const url = new URL(req.url);
      const post = /^stages\/whip\/([A-Za-z0-9]+)$/.exec(route);
      if (post) return req.method === "POST" ? publish(post[1]!, req, url) : Promise.resolve(problem(405, "POST an SDP offer", { allow: "POST" }));
      const one = /^stages\/whip\/([A-Za-z0-9]+)\/sessions\/([0-9a-f]+)$/.exec(route);
      if (one) {
        const s = sessions.get(one[2]!);
        if (req.method === "DELETE") {
          if (!s) return Promise.resolve(problem(404, "no such WHIP session"));
          return end(s, "the client ended the session (DELETE)", true).then(() => new Response(null, { status: 200 }));
        }
        return Promise.resolve(problem(405, "this WHIP endpoint supports DELETE on a session (no trickle ICE or ICE restart)", { allow: "DELETE" }));
      }
      const inspection = /^whip\/([A-Za-z0-9_-]+)$/.exec(route);
      if (inspection && req.method === "GET") return Promise.resolve(inspect(inspection[1]!));
      return undefined;
    },
    async stop() {
      clearInterval(watcher);
      await Promise.all([...sessions.values()].map((s) => end(s, "the emulator stopped", true)));
    },
  };
}
