/** Stage command options and their checks. Pure: no SDK, runs before any client is built. */
import { checkResourceName } from "../aws/resolve.ts";
import { usageError } from "../cli/errors.ts";
import type { RoleOverrides } from "../stack/roles.ts";
import { checkParticipantId, checkTokenOptions, type TokenOptions } from "../tokens/participant.ts";

export interface KeySourceOptions {
  privateKeyFile?: string;
  publicKeyArn?: string;
  overrides: RoleOverrides;
}

export interface CreateStageOptions extends KeySourceOptions {
  name?: string;
  tags?: Record<string, string>;
  /** undefined with --no-token. */
  token?: TokenOptions;
  selfSigned: boolean;
  /** --if-not-exists: a stage with this --name already there is printed (created: false) instead of refused (exit 5). */
  ifNotExists?: boolean;
}

export interface StageTokenOptions extends KeySourceOptions {
  stage: string;
  token: TokenOptions;
  selfSigned: boolean;
  /** undefined: one token as a document; N: N tokens as JSON Lines. */
  count?: number;
  participantId?: string;
}

export const PARTICIPANT_STATES = ["CONNECTED", "DISCONNECTED"] as const;

export function checkStageName(name: string | undefined): void {
  checkResourceName(name);
}

export function checkCreateStage(o: CreateStageOptions): void {
  checkStageName(o.name);
  if (o.token) checkTokenOptions(o.token);
  if (!o.token && o.selfSigned) throw usageError("--self-signed and --no-token contradict each other");
}

export function checkStageToken(o: StageTokenOptions): void {
  checkTokenOptions(o.token);
  if (o.participantId !== undefined) {
    if (!o.selfSigned) throw usageError("--participant-id needs --self-signed (IVS assigns ids of API tokens)");
    checkParticipantId(o.participantId);
    if (o.count !== undefined) checkParticipantId(`${o.participantId}-${o.count}`, "--participant-id (with the -N suffix --count adds)");
  }
  if (!o.selfSigned && (o.privateKeyFile || o.publicKeyArn)) throw usageError("--key-file / --public-key-arn apply only with --self-signed");
}

export function checkDisconnectReason(reason: string | undefined): void {
  if (reason !== undefined && reason.length > 128) throw usageError(`--reason is longer than 128 characters (${reason.length})`);
}
