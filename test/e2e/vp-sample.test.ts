/**
 * The VP sample's own stack, driven by the compiled binary exactly as the sample's npm scripts drive
 * it (function URLs, SigV4 service lambda), against the emulator's replica `ivsctl-sample`. Every
 * check reads the backend's own records (the emulator's inspection route), not only ivsctl's output.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { GetParameterCommand, SSMClient } from "@aws-sdk/client-ssm";
import { GetSecretValueCommand, SecretsManagerClient } from "@aws-sdk/client-secrets-manager";
import { ensureBinary, json } from "../helpers/cli.ts";
import { startEmulator, type LocalEmulator } from "../helpers/local.ts";

const S = ["--stack", "ivsctl-sample"];
let local: LocalEmulator;

interface Records {
  stages: { id: string; stageArn: string; hostParticipantId: string }[];
  virtualParticipants: { id: string; status: string; stageArn: string }[];
}
const records = async (): Promise<Records> => (await fetch(`${local.endpoint}/_ivsctl/vp-sample/ivsctl-sample/records`)).json() as Promise<Records>;
const join = async (token: string) => (await fetch(`${local.endpoint}/_ivsctl/stages/join`, { method: "POST", body: JSON.stringify({ token }) })).status;
const clientConfig = () => ({ region: "us-east-1", endpoint: local.endpoint, credentials: { accessKeyId: "test", secretAccessKey: "test" } });

async function waitForPool(n = 2): Promise<void> {
  for (let i = 0; i < 100; i++) {
    if ((await records()).virtualParticipants.filter((v) => v.status === "AVAILABLE").length >= n) return;
    await Bun.sleep(100);
  }
  throw new Error("the warm pool never reached AVAILABLE");
}

beforeAll(async () => {
  ensureBinary();
  local = await startEmulator();
  await waitForPool();
});
afterAll(async () => {
  await local?.stop();
});

describe("ivsctl on the VP sample's stack", () => {
  let stageArn: string;
  let sampleStageId: string;

  test("stack outputs: kind vp-sample, and why", async () => {
    const out = json(await local.run(["stack", "outputs", ...S, "-o", "json"]));
    expect(out.kind).toBe("vp-sample");
    expect(out.kindReason).toBe("exports ivsctl-sample::RotateKeyPairLambdaURL and ivsctl-sample::ListVpsLambdaURL (the IVS virtual-participant sample)");
  });

  test("stage create: CreateIvsStage makes the stage and its Stages record; the host token joins", async () => {
    const r = await local.run(["stage", "create", ...S, "-o", "json"]);
    expect(r.code).toBe(0);
    const out = json(r);
    stageArn = out.stage.arn;
    sampleStageId = out.sampleStageId;
    const record = (await records()).stages.find((s) => s.id === sampleStageId)!;
    expect(record.stageArn).toBe(stageArn);
    expect(record.hostParticipantId).toBe(out.participantTokens[0].participantId);
    expect(await join(out.participantTokens[0].token)).toBe(200);
    expect(json(await local.run(["stage", "list", ...S, "-o", "json"])).stages.map((s: { sampleStageId: string }) => s.sampleStageId)).toContain(sampleStageId);
  });

  test("vp invite --wait: the backend's record goes JOINED; every stage reference works", async () => {
    const r = await local.run(["vp", "invite", sampleStageId, ...S, "--wait", "-o", "json"]);
    expect(r.code).toBe(0);
    const vp = json(r).virtualParticipant;
    expect(vp.status).toBe("JOINED");
    const rec = (await records()).virtualParticipants.find((v) => v.id === vp.id)!;
    expect([rec.status, rec.stageArn]).toEqual(["JOINED", stageArn]);
    const list = json(await local.run(["vp", "list", ...S, "--stage", stageArn, "-o", "json"]));
    expect(list.virtualParticipants.map((v: { id: string }) => v.id)).toEqual([vp.id]);
    expect(Object.keys(list.virtualParticipants[0]).sort()).toEqual(expect.arrayContaining(["id", "status", "stageArn", "taskId", "assetName", "updatedAt", "lastUpdateSource"]));
    const again = await local.run(["vp", "invite", stageArn.split("/").pop()!, ...S]);
    expect(again.code).toBe(5); // VpAlreadyAssignedException
  });

  test("vp kick --wait: the VP is AVAILABLE again and unassigned", async () => {
    const r = await local.run(["vp", "kick", stageArn, ...S, "--wait", "-o", "json"]);
    expect(r.code).toBe(0);
    const id = json(r).virtualParticipant.id;
    const rec = (await records()).virtualParticipants.find((v) => v.id === id)!;
    expect([rec.status, rec.stageArn]).toEqual(["AVAILABLE", "unassigned"]);
    const none = await local.run(["vp", "kick", stageArn, ...S, "-o", "json"]);
    expect([none.code, json(none).kicked]).toEqual([0, false]);
  });

  test("keys rotate --grace 0s keeps the sample's formats: a bare PEM secret, SSM {\"arn\"}; old tokens are refused, new VPs join", async () => {
    const before = json(await local.run(["stage", "token", stageArn, ...S, "--self-signed", "-o", "json"])).participantToken.token;
    expect(await join(before)).toBe(200);
    const r = await local.run(["keys", "rotate", ...S, "--grace", "0s", "-o", "json"]);
    expect(r.code).toBe(0);
    const rotated = json(r);
    const ssm = new SSMClient(clientConfig());
    expect(JSON.parse((await ssm.send(new GetParameterCommand({ Name: "/ivsctl-sample/publicKeyArn" }))).Parameter!.Value!)).toEqual({ arn: rotated.publicKeyArn });
    const sm = new SecretsManagerClient(clientConfig());
    expect((await sm.send(new GetSecretValueCommand({ SecretId: "ivsctl-sample-PrivateKey" }))).SecretString).toMatch(/^-----BEGIN PRIVATE KEY-----\n[\s\S]+-----END PRIVATE KEY-----\n?$/);
    expect(await join(before)).not.toBe(200); // signed by the deleted key
    const after = json(await local.run(["stage", "token", stageArn, ...S, "--self-signed", "-o", "json"])).participantToken;
    expect(after.publicKeyArn).toBe(rotated.publicKeyArn);
    expect(await join(after.token)).toBe(200);
    // The sample's own token function signs with the new key: an invite joins.
    const invite = await local.run(["vp", "invite", stageArn, ...S, "--wait", "-o", "json"]);
    expect(json(invite).virtualParticipant.status).toBe("JOINED");
    expect((await local.run(["vp", "kick", stageArn, ...S, "--wait"])).code).toBe(0);
  });

  test("keys rotate --grace 1h: a token signed before is still accepted; keys list names SSM's key current", async () => {
    const before = json(await local.run(["stage", "token", stageArn, ...S, "--self-signed", "-o", "json"])).participantToken.token;
    const rotated = json(await local.run(["keys", "rotate", ...S, "--grace", "1h", "-o", "json"]));
    expect(await join(before)).toBe(200);
    const keys = json(await local.run(["keys", "list", ...S, "-o", "json"]));
    expect(keys.currentPublicKeyArn).toBe(rotated.publicKeyArn);
    expect(keys.publicKeys.filter((k: { retireAfter?: string }) => k.retireAfter)).toHaveLength(1);
    // prune never takes the key SSM names, even though the sample's key carries no ivsctl secret
    expect((await local.run(["keys", "prune", ...S])).code).toBe(0);
    expect(json(await local.run(["keys", "list", ...S, "-o", "json"])).currentPublicKeyArn).toBe(rotated.publicKeyArn);
  });

  test("stage delete: kicks the VP, then the IVS stage and its record are gone; a re-run is exit 4", async () => {
    expect((await local.run(["vp", "invite", stageArn, ...S, "--wait"])).code).toBe(0);
    const r = await local.run(["stage", "delete", sampleStageId, ...S, "--yes", "-o", "json"]);
    expect(r.code).toBe(0);
    const out = json(r);
    expect(out.kickedVirtualParticipant).toBeString();
    const recs = await records();
    expect(recs.stages.find((s) => s.id === sampleStageId)).toBeUndefined();
    expect(recs.virtualParticipants.find((v) => v.id === out.kickedVirtualParticipant)!.stageArn).toBe("unassigned");
    expect((await local.run(["stage", "get", stageArn])).code).toBe(4);
    const again = await local.run(["stage", "delete", sampleStageId, ...S, "--yes"]);
    expect(again.code).toBe(4);
    expect(again.stderr.split("\n").filter((l) => l.startsWith("error:"))).toHaveLength(1);
  });

  test("flags only ivsctl's backend honours are refused before any call", async () => {
    const r = await local.run(["vp", "invite", "st", ...S, "--user-id", "bot"]);
    expect(r.code).toBe(2);
    expect(r.stderr).toStartWith("error: --user-id does not apply to a VP-sample stack: its VP names itself (user id = its VP_ID)\n");
  });

  test("vp stop needs --yes off a terminal, then StopVpTasks reports its summary", async () => {
    const refused = await local.run(["vp", "stop", ...S]);
    expect(refused.code).toBe(2);
    const r = await local.run(["vp", "stop", ...S, "--yes", "-o", "json"]);
    expect(r.code).toBe(0);
    const out = json(r);
    expect(out.summary.totalFound).toBeGreaterThan(0);
    expect(out.summary.successfulStops).toBe(out.summary.totalFound);
  });
});
