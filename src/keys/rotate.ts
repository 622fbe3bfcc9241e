/**
 * `ivsctl keys rotate`: replace the participant-token signing key without breaking outstanding
 * tokens, as an ordered plan where every step is reported and a failure rolls back what was done.
 *
 *   1. generate a P-384 pair locally
 *   2. import the public key, named `<stack>-PublicKey-<epoch ms>`
 *   3. store {privateKeyPem, publicKeyArn, rotatedAt} as a NEW, not yet current, secret version
 *      (staging label IVSCTL_PENDING); without a stack, write --key-file (0600)
 *   4. record it as current: move AWSCURRENT to the new version, naming the version we read as
 *      RemoveFromVersionId. Secrets Manager refuses the move if AWSCURRENT is no longer on that
 *      version, so two concurrent rotations cannot interleave (compare-and-swap on version ids);
 *      we also re-check AWSCURRENT just before, and report a conflict.
 *   5. retire the previous public key: --grace 0 deletes it now; a positive grace tags it
 *      `ivsctl:retire-after` and `keys prune` deletes it later
 *   6. restart running VP tasks (hook supplied by the virtual-participant feature)
 *
 * Invariant: AWSCURRENT always holds a private key together with the ARN of its imported public
 * half, because both live in one secret version and the public key is imported before, and
 * deleted only after, the version that names it stops being current.
 */
import { randomUUID } from "node:crypto";
import { existsSync, unlinkSync } from "node:fs";
import type { Context } from "../cli/context.ts";
import { parseTags } from "../aws/tags.ts";
import { checkDurationMs, formatDuration } from "../cli/duration.ts";
import { CliError, stateError, toCliError, usageError } from "../cli/errors.ts";
import { checkRoleInputs, isRoleKnown } from "../stack/roles.ts";
import { generateP384, writeKeyFile } from "../tokens/es384.ts";
import { allPublicKeys, KEY_TAG, orphanKeys, orphanMinAge } from "./keys.ts";
import { keySecretArn, readCurrentSecret, type CurrentSecret, type SigningKeyDoc } from "./signing-key.ts";
import { vpRestartHook } from "../vp/hooks.ts";
import type { RotateOptions, StepReport } from "./model.ts";

export type { RotateOptions, StepReport };

/** Restarts the backend's VP tasks after the switch, so they sign with the new key; returns how many. */
export type RestartVps = (ctx: Context) => Promise<number>;



export const PENDING_STAGE = "IVSCTL_PENDING";


const STEP_NAMES = ["generate key pair", "import public key", "store private key", "record current key", "retire previous key", "restart virtual participants"];

export function checkRotate(ctx: Context, o: RotateOptions): void {
  if (!Number.isFinite(o.graceMs) || o.graceMs < 0) throw usageError("--grace must be 0s or a positive duration");
  checkDurationMs(o.graceMs, "--grace");
  checkRoleInputs(o.overrides, ctx.env);
  const hasSecret = isRoleKnown("keySecret", { overrides: o.overrides, env: ctx.env, stack: ctx.globals.stack });
  if (hasSecret && o.privateKeyFile) throw usageError("--key-file is for rotations without a stack; with --stack the key goes to the stack's secret");
  if (!hasSecret && !o.privateKeyFile) throw usageError("keys rotate needs --stack NAME (its key secret) or --key-file FILE");
  if (o.privateKeyFile && existsSync(o.privateKeyFile)) throw usageError(`${o.privateKeyFile} already exists: refusing to overwrite a key file`);
}

export async function rotateKeys(ctx: Context, o: RotateOptions, deps: { restartVps?: RestartVps } = {}): Promise<void> {
  checkRotate(ctx, o);
  const restartVps = deps.restartVps ?? vpRestartHook(ctx, o.restartVps, o.overrides);
  const owner = ctx.globals.stack ?? "ivsctl";
  const useSecret = !o.privateKeyFile;
  const secretArn = useSecret ? await keySecretArn(ctx, o.overrides) : undefined;
  const current: CurrentSecret | undefined = secretArn ? await readCurrentSecret(ctx, secretArn) : undefined;
  const previousArn = current?.doc?.publicKeyArn;
  const now = ctx.now();
  const keyName = `${owner}-PublicKey-${now}`;
  const retireAfter = new Date(now + o.graceMs).toISOString();
  const steps: StepReport[] = STEP_NAMES.map((name, i) => ({ step: i + 1, name, status: "planned", detail: "" }));
  steps[0]!.detail = "P-384 (secp384r1), in memory";
  steps[1]!.detail = `ImportPublicKey ${keyName}`;
  steps[2]!.detail = useSecret ? `PutSecretValue ${secretArn} (new version, label ${PENDING_STAGE})` : `write ${o.privateKeyFile} (mode 0600)`;
  steps[3]!.detail = useSecret ? `move AWSCURRENT ${current?.versionId ?? "(none)"} -> new version` : "the key file is the record";
  steps[4]!.detail = !previousArn
    ? current?.doc && !previousArn
      ? "the secret held no public key ARN: nothing to retire"
      : "no previous key"
    : o.graceMs === 0
      ? `DeletePublicKey ${previousArn} now`
      : `tag ${previousArn} ${KEY_TAG.retireAfter}=${retireAfter} (grace ${formatDuration(o.graceMs)}; \`keys prune\` deletes it after)`;
  steps[5]!.detail = restartVps ? "restart running VP tasks" : "not requested";

  if (ctx.globals.dryRun) {
    ctx.out.result(
      { dryRun: true, stack: ctx.globals.stack ?? null, keySecretArn: secretArn ?? null, currentVersionId: current?.versionId ?? null, previousPublicKeyArn: previousArn ?? null, steps },
      { kind: "table", title: "Rotation plan (nothing changed):", columns: ["step", "name", "action"], rows: steps.map((s) => [s.step, s.name, s.detail]) },
    );
    return;
  }

  const rt = await ctx.aws.realtime();
  const rtSdk = await import("@aws-sdk/client-ivs-realtime");
  const smSdk = useSecret ? await import("@aws-sdk/client-secrets-manager") : undefined;
  const sm = useSecret ? await ctx.aws.secrets() : undefined;
  // Each undo may return a note on what it found ("already unlabelled"), for the honest report.
  const undo: { what: string; run: () => Promise<string | void> }[] = [];
  const versionStages = async () => (await sm!.send(new smSdk!.DescribeSecretCommand({ SecretId: secretArn }))).VersionIdsToStages ?? {};
  const currentOf = (stages: Record<string, string[]>) => Object.entries(stages).find(([, st]) => st.includes("AWSCURRENT"))?.[0];
  const anotherWon = (nowCurrent: string | undefined) =>
    stateError(`another rotation won: AWSCURRENT is now ${nowCurrent ?? "none"} (it was ${current?.versionId ?? "none"} when this one started)`, "ConcurrentRotation", "the other rotation's key is current; re-run `ivsctl keys rotate` if you still want another one");
  // With -o json the steps are in the document: stderr stays quiet unless --verbose.
  const chatty = ctx.globals.output !== "json" || o.verbose === true;
  const report = (i: number, status: StepReport["status"], detail?: string) => {
    const s = steps[i]!;
    s.status = status;
    if (detail !== undefined) s.detail = detail;
    if (chatty) ctx.log.info(`step ${s.step}/6 ${s.name}: ${status}${s.detail ? ` (${s.detail})` : ""}`);
  };

  let stepIndex = 0;
  let newArn: string | undefined;
  let newVersionId: string | undefined;
  let vpsRestarted: number | null = null;
  try {
    // 1. generate
    const pair = generateP384();
    report(0, "done");

    // 2. import
    stepIndex = 1;
    const imported = await rt.send(
      new rtSdk.ImportPublicKeyCommand({
        publicKeyMaterial: pair.publicKeyPem,
        name: keyName,
        tags: { ...parseTags([], ctx.env), [KEY_TAG.owner]: owner, [KEY_TAG.importedAt]: new Date(now).toISOString() },
      }),
    );
    newArn = imported.publicKey!.arn!;
    const arn = newArn;
    undo.push({ what: `delete imported public key ${arn}`, run: async () => void (await rt.send(new rtSdk.DeletePublicKeyCommand({ arn }))) });
    report(1, "done", `${arn} (fingerprint ${imported.publicKey?.fingerprint ?? "?"})`);

    // 3. store
    stepIndex = 2;
    if (useSecret) {
      const doc: SigningKeyDoc = { privateKeyPem: pair.privateKeyPem, publicKeyArn: arn, rotatedAt: new Date(now).toISOString(), ...(previousArn ? { previousPublicKeyArn: previousArn } : {}) };
      const put = await sm!.send(new smSdk!.PutSecretValueCommand({ SecretId: secretArn, SecretString: JSON.stringify(doc), ClientRequestToken: randomUUID(), VersionStages: [PENDING_STAGE] }));
      newVersionId = put.VersionId!;
      const vid = newVersionId;
      undo.push({
        what: `unlabel secret version ${vid}`,
        run: async () => {
          // A concurrent rotation's PutSecretValue moves the shared pending label (and Secrets Manager may drop the then unlabelled version): nothing left to undo.
          if (!(await versionStages())[vid]?.includes(PENDING_STAGE)) return "already unlabelled by another rotation";
          await sm!.send(new smSdk!.UpdateSecretVersionStageCommand({ SecretId: secretArn, VersionStage: PENDING_STAGE, RemoveFromVersionId: vid }));
        },
      });
      report(2, "done", `secret version ${vid} (not current yet)`);
    } else {
      writeKeyFile(o.privateKeyFile!, pair.privateKeyPem);
      const path = o.privateKeyFile!;
      undo.push({ what: `remove ${path}`, run: async () => unlinkSync(path) });
      report(2, "done", `${path} (mode 0600)`);
    }

    // 4. record current
    stepIndex = 3;
    if (useSecret) {
      const stages = await versionStages();
      const nowCurrent = currentOf(stages);
      // Secrets Manager makes a secret's first version AWSCURRENT whatever labels it was given:
      // then the switch already happened (and there is no earlier version to fall back to).
      const firstVersion = !current?.versionId && nowCurrent === newVersionId;
      // Another rotation ran meanwhile if AWSCURRENT moved, or if its PutSecretValue took the pending label from our version.
      if (!firstVersion && (nowCurrent !== current?.versionId || !stages[newVersionId!]?.includes(PENDING_STAGE))) throw anotherWon(nowCurrent);
      if (!firstVersion) {
        try {
          await sm!.send(
            new smSdk!.UpdateSecretVersionStageCommand({ SecretId: secretArn, VersionStage: "AWSCURRENT", MoveToVersionId: newVersionId, ...(current?.versionId ? { RemoveFromVersionId: current.versionId } : {}) }),
          );
        } catch (e) {
          // Lost the race between the check above and the move: say so, not "version not found".
          const after = currentOf(await versionStages().catch(() => ({})));
          if (after !== current?.versionId && after !== newVersionId) throw anotherWon(after);
          throw e;
        }
      }
      // The pending label has served its purpose; AWSCURRENT now marks the version.
      const unlabelled = await sm!.send(new smSdk!.UpdateSecretVersionStageCommand({ SecretId: secretArn, VersionStage: PENDING_STAGE, RemoveFromVersionId: newVersionId })).then(
        () => true,
        () => false,
      );
      if (unlabelled) undo.splice(undo.findIndex((u) => u.what.startsWith("unlabel secret version")), 1);
      if (current?.versionId) {
        const oldVid = current.versionId;
        const vid = newVersionId!;
        undo.push({
          what: `make secret version ${oldVid} current again`,
          run: async () => void (await sm!.send(new smSdk!.UpdateSecretVersionStageCommand({ SecretId: secretArn, VersionStage: "AWSCURRENT", MoveToVersionId: oldVid, RemoveFromVersionId: vid }))),
        });
      }
      report(3, "done", `AWSCURRENT = ${newVersionId} (${arn})`);
    } else report(3, "skipped");

    // 5. retire previous
    stepIndex = 4;
    if (previousArn && previousArn !== arn) {
      if (o.graceMs === 0) {
        await rt.send(new rtSdk.DeletePublicKeyCommand({ arn: previousArn })).catch((e) => {
          if ((e as Error).name !== "ResourceNotFoundException") throw e;
        });
        undo.length = 0; // a deleted key cannot come back under its ARN: the rotation is final now
        report(4, "done", `deleted ${previousArn} (grace 0: tokens it signed stop working now)`);
      } else {
        await rt.send(new rtSdk.TagResourceCommand({ resourceArn: previousArn, tags: { [KEY_TAG.retireAfter]: retireAfter } })).catch((e) => {
          if ((e as Error).name !== "ResourceNotFoundException") throw e;
        });
        report(4, "done", `${previousArn} kept until ${retireAfter}; \`ivsctl keys prune\` deletes it after`);
      }
    } else report(4, "skipped");
    // Keys an interrupted earlier rotation imported but never switched to: re-running converges.
    // The rotation itself is complete here, so a failure in this clean-up is only a warning. Only
    // with a stack: there the secret says which key is current; without one, earlier keys may
    // still be in use and are retired with `keys delete`.
    if (useSecret) try {
      const orphans = orphanKeys(await allPublicKeys(rt), { owner, keep: [arn, previousArn], nowMs: ctx.now(), minAgeMs: orphanMinAge(ctx.env) });
      for (const k of orphans) {
        await rt.send(new rtSdk.DeletePublicKeyCommand({ arn: k.arn! })).catch((e) => {
          if ((e as Error).name !== "ResourceNotFoundException") throw e;
        });
        steps[4]!.detail += `; deleted orphan ${k.arn} (from an interrupted rotation)`;
        if (chatty) ctx.log.info(`deleted orphaned key ${k.arn} (imported by an interrupted rotation, never current)`);
      }
    } catch (e) {
      ctx.log.warn(`could not clean up orphaned keys: ${toCliError(e).message} (\`ivsctl keys prune\` retries)`);
    }
  } catch (e) {
    report(stepIndex, "failed", toCliError(e).message);
    const failures: string[] = [];
    const undone: string[] = [];
    for (const u of undo.reverse()) {
      try {
        const note = await u.run();
        undone.push(note ? `${u.what} (${note})` : u.what);
        if (chatty) ctx.log.info(`rollback: ${u.what}${note ? ` (${note})` : ""}`);
      } catch (ue) {
        failures.push(`${u.what}: ${toCliError(ue).message}`);
      }
    }
    // Only claim a rollback when every undo succeeded; otherwise the message names what is left.
    if (failures.length === 0) for (let i = stepIndex - 1; i >= 1; i--) if (steps[i]!.status === "done") steps[i]!.status = "rolled back";
    const err = toCliError(e, `keys rotate: step ${stepIndex + 1} (${STEP_NAMES[stepIndex]})`);
    const lost = err.code === "ConcurrentRotation";
    const tail = failures.length
      ? `; ROLLBACK INCOMPLETE: ${failures.join("; ")}${undone.length ? `; undone: ${undone.join("; ")}` : ""}`
      : lost
        ? `; undone: ${undone.length ? undone.join("; ") : "nothing was changed"}`
        : undo.length
          ? "; rolled back: the previous key is still current and no new key remains"
          : "";
    throw new CliError(`${err.message}${tail}`, { exitCode: err.exitCode, code: err.code, hint: err.hint, cause: e });
  }

  // 6. restart VPs. The rotation stands whatever happens here: the new key is current and valid.
  if (restartVps) {
    try {
      vpsRestarted = await restartVps(ctx);
      report(5, "done", `${vpsRestarted} task(s) restarted`);
    } catch (e) {
      report(5, "failed", toCliError(e).message);
      const err = toCliError(e, "keys rotate: the new key is current, but restarting virtual participants failed");
      throw new CliError(err.message, { exitCode: err.exitCode, code: err.code, hint: "restart them with `ivsctl vp invite`/`vp kick`; their old tokens keep working during the grace period", cause: e });
    }
  } else report(5, "skipped");

  if (chatty) ctx.log.success(`rotated the signing key${ctx.globals.stack ? ` of stack ${ctx.globals.stack}` : ""}: ${newArn}`);
  ctx.out.result(
    {
      rotated: true,
      stack: ctx.globals.stack ?? null,
      keySecretArn: secretArn ?? null,
      secretVersionId: newVersionId ?? null,
      privateKeyFile: o.privateKeyFile ?? null,
      publicKeyArn: newArn,
      previousPublicKeyArn: previousArn ?? null,
      previousKey: !previousArn ? null : o.graceMs === 0 ? "deleted" : { retireAfter },
      virtualParticipantsRestarted: vpsRestarted,
      steps,
    },
    { kind: "table", columns: ["step", "name", "status", "detail"], rows: steps.map((s) => [s.step, s.name, s.status, s.detail]) },
  );
}
