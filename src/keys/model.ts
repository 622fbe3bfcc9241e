/** What the key commands and both VP backends share about signing keys: tags, rotation options, the step report. */
import type { RoleOverrides } from "../stack/roles.ts";

/** The tags ivsctl puts on the public keys it imports: which backend owns it, when, and when it retires. */
export const KEY_TAG = { owner: "ivsctl:owner", importedAt: "ivsctl:imported-at", retireAfter: "ivsctl:retire-after" } as const;

export interface RotateOptions {
  graceMs: number;
  /** Without a stack: where the new private key goes (created 0600, never overwritten). */
  privateKeyFile?: string;
  overrides: RoleOverrides;
  /** --restart-vps / --no-restart-vps; default: restart when a stack names ivsctl's backend. */
  restartVps?: boolean;
  /** --verbose: the step lines on stderr even with -o json (which is otherwise quiet on stderr but for errors). */
  verbose?: boolean;
}

/** One step of a rotation, as every rotation reports it. */
export interface StepReport {
  step: number;
  name: string;
  status: "done" | "skipped" | "planned" | "failed" | "rolled back";
  detail: string;
}
