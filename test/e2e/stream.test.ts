/** Stream commands through the binary, on offline channels. LIVE behaviour: test/unit/streams-live.test.ts (in-process). */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { ensureBinary, json } from "../helpers/cli.ts";
import { startEmulator, type LocalEmulator } from "../helpers/local.ts";
import { awsCliEnv, exec, HAS_AWS_CLI, skipReason } from "../helpers/tools.ts";

let local: LocalEmulator;
let arn: string;
beforeAll(async () => {
  ensureBinary();
  local = await startEmulator();
  arn = json(await local.run(["channel", "create", "--name", "quiet", "-o", "json"])).channel.arn;
});
afterAll(() => local?.stop());

const DEAD = { IVSCTL_LOCAL_ENDPOINT: "http://127.0.0.1:9", AWS_MAX_ATTEMPTS: "1" };

describe("stream commands on an offline channel", () => {
  test("get says OFFLINE (exit 0)", async () => {
    const r = await local.run(["stream", "get", "quiet", "-o", "json"]);
    expect(r.code).toBe(0);
    expect(json(r)).toEqual({ stream: { channelArn: arn, state: "OFFLINE" } });
    const human = await local.run(["stream", "get", "quiet"]);
    expect(human.stdout).toBe(`Channel  ${arn}\nState    OFFLINE\n`);
  });

  test("list has no live streams; --health is checked", async () => {
    expect(json(await local.run(["stream", "list", "-o", "json"]))).toEqual({ streams: [] });
    expect((await local.run(["stream", "list"])).stdout).toBe("(none)\n");
    expect(json(await local.run(["stream", "list", "--health", "starving", "-o", "json"]))).toEqual({ streams: [] });
    const bad = await local.run(["stream", "list", "--health", "SICK"], { env: DEAD });
    expect(bad.code).toBe(2);
    expect(bad.stderr).toBe('error: --health must be one of HEALTHY, STARVING, UNKNOWN (got "SICK")\n');
  });

  test("stop asks first, and an offline channel is exit 5 ChannelNotBroadcasting", async () => {
    const refused = await local.run(["stream", "stop", "quiet"]);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toBe(`error: Stop the live stream of ${arn}? The encoder is disconnected: refusing without --yes (stdin is not a terminal)\n`);
    const r = await local.run(["stream", "stop", "quiet", "--yes"]);
    expect(r.code).toBe(5);
    expect(r.stderr).toBe("error: stopping the stream of quiet: Channel is not broadcasting (ChannelNotBroadcasting)\n");
    const dry = await local.run(["stream", "stop", "quiet", "--dry-run", "-o", "json"]);
    expect(json(dry)).toEqual({ dryRun: true, operation: "StopStream", request: { channelArn: arn } });
  });

  test("sessions is empty; session checks the id form before any call and says not found otherwise", async () => {
    expect(json(await local.run(["stream", "sessions", "quiet", "-o", "json"]))).toEqual({ streamSessions: [] });
    const bad = await local.run(["stream", "session", "quiet", "st-short"], { env: DEAD });
    expect(bad.code).toBe(2);
    expect(bad.stderr).toBe('error: "st-short" is not a stream session id (st- followed by 23 letters or digits)\n');
    const missing = await local.run(["stream", "session", "quiet", "st-AAAAAAAAAAAAAAAAAAAAAAA"]);
    expect(missing.code).toBe(4);
    expect(missing.stderr).toBe("error: getting stream session st-AAAAAAAAAAAAAAAAAAAAAAA: Stream session not found: st-AAAAAAAAAAAAAAAAAAAAAAA (ResourceNotFoundException)\n");
  });

  test("an unknown channel is exit 4", async () => {
    const r = await local.run(["stream", "get", "nope"]);
    expect(r.code).toBe(4);
    expect(r.stderr).toBe('error: no channel named or with id "nope" (ResourceNotFoundException)\n');
  });
});

if (!HAS_AWS_CLI) skipReason("streams via the AWS CLI", "aws (AWS CLI)");
describe.skipIf(!HAS_AWS_CLI)("the AWS CLI against the emulator", () => {
  test("get-stream / stop-stream on an offline channel: ChannelNotBroadcasting; list-streams with a health filter", async () => {
    const aws = (args: string[]) => exec(["aws", "ivs", ...args, "--endpoint-url", local.endpoint, "--output", "json"], awsCliEnv());
    for (const op of ["get-stream", "stop-stream"]) {
      const r = await aws([op, "--channel-arn", arn]);
      expect(r.code).not.toBe(0);
      expect(r.stderr).toContain("(ChannelNotBroadcasting)");
    }
    const list = await aws(["list-streams", "--filter-by", "health=HEALTHY"]);
    expect(list.code).toBe(0);
    expect(JSON.parse(list.stdout).streams).toEqual([]);
    const sessions = await aws(["list-stream-sessions", "--channel-arn", arn]);
    expect(JSON.parse(sessions.stdout).streamSessions).toEqual([]);
  });
});
