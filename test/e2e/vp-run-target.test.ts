/**
 * `ivsctl vp run` against the e2e target: `ivsctl local` by default, or a real stage's WHIP endpoint with
 * IVSCTL_E2E_TARGET=aws (then ListParticipants must show the participant published, as IVS saw it).
 * The stage is tagged and swept by startTarget().
 */
import { afterAll, beforeAll, expect, test } from "bun:test";
import { baseEnv, BIN, ensureBinary, json } from "../helpers/cli.ts";
import { E2E_TARGET, startTarget, type LocalEmulator } from "../helpers/local.ts";

let target: LocalEmulator;
beforeAll(async () => {
  ensureBinary();
  target = await startTarget();
});
afterAll(() => target?.stop());

test(`vp run publishes to a stage's WHIP endpoint (${E2E_TARGET}): participant published, SIGTERM -> exit 0`, async () => {
  const created = await target.run(["stage", "create", "--name", `vp-run-${Date.now().toString(36)}`, "--token-capabilities", "publish,subscribe", "-o", "json"]);
  expect(created.code).toBe(0);
  const { stage, participantTokens } = json(created);
  const [participantToken] = participantTokens;
  const proc = Bun.spawn([BIN, "vp", "run"], {
    env: baseEnv({ ...target.env, STAGE_ARN: stage.arn, PARTICIPANT_TOKEN: participantToken.token, WHIP_URL: stage.endpoints.whip, ASSET_NAME: "" }),
    stdin: "ignore",
    stdout: "pipe",
    stderr: "pipe",
  });
  let out = "";
  for await (const chunk of proc.stdout) {
    out += new TextDecoder().decode(chunk);
    if (out.includes('"event":"published"') || out.includes('"event":"error"')) break;
  }
  expect(out).toContain('"event":"published"');
  // IVS (or the emulator) lists the participant as published once media arrives.
  let published = false;
  for (let i = 0; i < 40 && !published; i++) {
    const list = json(await target.run(["stage", "participants", stage.arn, "-o", "json"]));
    published = list.participants?.some((p: any) => p.participantId === participantToken.participantId && p.state === "CONNECTED" && p.published === true);
    if (!published) await Bun.sleep(500);
  }
  expect(published).toBe(true);
  proc.kill("SIGTERM");
  expect(await proc.exited).toBe(0);
}, 60_000);
