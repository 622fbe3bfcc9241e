/**
 * Flags to options, for every command, with no AWS and no emulator: each leaf's pure `options()`
 * is run on a parsed argv and compared whole with the options its domain function receives
 * (IVSCTL_DEFAULT_TAGS=team=video shows where the environment feeds a default).
 */
import { describe, expect, test } from "bun:test";
import { rootCommand } from "../../commands/index.ts";
import type { AnyCommand, LeafCommand } from "../../src/cli/command.ts";
import { CliError } from "../../src/cli/errors.ts";
import { parseArgv } from "../../src/cli/parse.ts";

const ENV = { IVSCTL_DEFAULT_TAGS: "team=video" };

async function leaves(): Promise<Map<string, LeafCommand>> {
  const found = new Map<string, LeafCommand>();
  const visit = async (cmd: AnyCommand, path: string[]) => {
    if (cmd.kind === "leaf") return void found.set(path.join(" "), cmd);
    for (const [name, sub] of Object.entries(cmd.subCommands)) await visit(await sub(), [...path, name]);
  };
  await visit(rootCommand, []);
  return found;
}

const optionsOf = async (path: string, argv: string[]) => {
  const leaf = (await leaves()).get(path)!;
  return leaf.options(parseArgv(argv, leaf.args), ENV);
};

/** [command, argv, the options its domain function gets] */
const CASES: [string, string[], unknown][] = [
  ["channel create", ["--name", "demo", "--type", "basic", "--latency", "normal", "--authorized", "--tag", "a=1"], {"name":"demo","type":"BASIC","latencyMode":"NORMAL","authorized":true,"tags":{"team":"video","a":"1"}}],
  ["channel list", ["--name-filter", "de", "--recording-config", "arn:aws:ivs:us-west-2:123456789012:recording-configuration/AbCdEf012345"], {"nameFilter":"de","recordingConfigurationArn":"arn:aws:ivs:us-west-2:123456789012:recording-configuration/AbCdEf012345"}],
  ["channel get", ["demo"], "demo"],
  ["channel update", ["demo", "--name", "renamed", "--no-multitrack", "--force"], {"channel":"demo","name":"renamed","disableMultitrack":true,"force":true}],
  ["channel delete", ["demo", "--if-exists"], {"channel":"demo","ifExists":true,"force":false}],
  ["channel token", ["demo", "--key-file", "k.pem", "--ttl", "10m", "--origin", "https://a.example", "--origin", "https://b.example", "--strict-origin", "--viewer-id", "v1", "--viewer-session-version", "2", "--max-resolution", "hd", "--count", "3"], {"channel":"demo","keyFile":"k.pem","ttlMs":600000,"origins":["https://a.example","https://b.example"],"strictOrigin":true,"viewerId":"v1","viewerSessionVersion":2,"singleUse":false,"maxResolution":"HD","count":3}],
  ["stream-key create", ["demo", "--tag", "k=v"], {"channel":"demo","tags":{"team":"video","k":"v"}}],
  ["stream-key list", ["demo"], {"channel":"demo"}],
  ["stream-key get", ["demo"], {"channel":"demo"}],
  ["stream-key delete", ["demo", "arn:aws:ivs:us-west-2:123456789012:stream-key/AbCdEf012345", "--force"], {"channel":"demo","key":"arn:aws:ivs:us-west-2:123456789012:stream-key/AbCdEf012345","force":true,"ifExists":false}],
  ["stream-key rotate", ["demo", "--force"], {"channel":"demo","force":true}],
  ["playback-key create", ["--name", "pk", "--key-file", "pk.pem", "--tag", "a=b"], {"name":"pk","out":"pk.pem","tags":{"team":"video","a":"b"}}],
  ["playback-key import", ["pub.pem", "--name", "pk"], {"file":"pub.pem","name":"pk","tags":{"team":"video"}}],
  ["playback-key list", [], {}],
  ["playback-key get", ["pk"], "pk"],
  ["playback-key delete", ["pk"], {"key":"pk","ifExists":false}],
  ["token decode", ["-"], {"token":"-"}],
  ["token verify", ["-", "--public-key", "pub.pem"], {"token":"-","publicKey":"pub.pem"}],
  ["recording create", ["--bucket", "my-vods", "--renditions", "HD,SD", "--thumbnails", "30s", "--thumbnail-storage", "SEQUENTIAL,LATEST", "--reconnect-window", "60s", "--wait"], {"bucket":"my-vods","renditions":["HD","SD"],"thumbnailIntervalSeconds":30,"disableThumbnails":false,"thumbnailStorage":["SEQUENTIAL","LATEST"],"reconnectWindowSeconds":60,"tags":{"team":"video"},"wait":true}],
  ["recording list", [], {}],
  ["recording get", ["rec"], "rec"],
  ["recording delete", ["rec", "--if-exists"], {"recording":"rec","ifExists":true}],
  ["stream get", ["demo"], {"channel":"demo"}],
  ["stream list", ["--health", "healthy"], {"health":"HEALTHY"}],
  ["stream stop", ["demo"], {"channel":"demo"}],
  ["stream sessions", ["demo"], {"channel":"demo"}],
  ["stream wait", ["demo", "--state", "offline", "--timeout", "10s"], {"channel":"demo","state":"OFFLINE","timeoutMs":10000}],
  ["stream session", ["demo", "st-1"], {"channel":"demo","streamId":"st-1"}],
  ["ingest", ["demo", "--resolution", "480p", "--fps", "25", "--bitrate", "2M", "--duration", "30s", "--wait-live"], {"channel":"demo","keep":false,"loop":false,"resolution":{"width":854,"height":480},"resolutionGiven":true,"fps":25,"bitrateBps":2000000,"audioBitrateBps":128000,"durationMs":30000,"waitLive":true}],
  ["metadata put", ["demo", "{\"q\":1}", "--json"], {"channel":"demo","payload":"{\"q\":1}","json":true}],
  ["metadata send", ["demo", "--file", "p.jsonl", "--rate", "2.5", "--channel", "other"], {"channels":["demo","other"],"file":"p.jsonl","rate":2.5,"json":false}],
  ["metadata loop", ["demo", "--every", "5s", "--template", "t.json", "--count", "4"], {"channel":"demo","everyMs":5000,"template":"t.json","count":4,"json":false}],
  ["stack outputs", ["--cluster", "c1", "--subnets", "subnet-1,subnet-2"], {"overrides":{"cluster":"c1","subnets":"subnet-1,subnet-2"}}],
  ["vp invite", ["st", "--asset", "a.mp4", "--user-id", "bot", "--attribute", "role=host", "--env", "A=1", "--wait", "--timeout", "90s", "--force", "--cluster", "c1"], {"stage":"st","asset":"a.mp4","userId":"bot","attributes":{"role":"host"},"env":{"A":"1"},"wait":true,"timeoutMs":90000,"force":true,"ifNone":false,"overrides":{"cluster":"c1"}}],
  ["vp kick", ["st", "--participant", "p1"], {"stage":"st","all":false,"participantId":"p1","wait":false,"overrides":{}}],
  ["vp stop", ["--cluster", "c1", "--yes"], {"overrides":{"cluster":"c1"}}],
  ["vp list", ["--stage", "st", "--all"], {"stage":"st","all":true,"overrides":{}}],
  ["vp run", ["--stage", "arn:aws:ivs:us-east-1:123456789012:stage/AbCdEf012345", "--token-file", "t.jwt", "--asset", "./a.mp4"], {"stageArn":"arn:aws:ivs:us-east-1:123456789012:stage/AbCdEf012345","tokenFile":"t.jwt","asset":"./a.mp4"}],
  ["stage create", ["--name", "s", "--tag", "a=1", "--token-user-id", "host", "--token-capabilities", "publish", "--token-ttl", "2h", "--if-not-exists"], {"name":"s","tags":{"team":"video","a":"1"},"token":{"userId":"host","capabilities":["PUBLISH"],"durationMinutes":120},"selfSigned":false,"ifNotExists":true,"overrides":{}}],
  ["stage create", ["--token-duration", "2h"], {"tags":{"team":"video"},"token":{"capabilities":["PUBLISH","SUBSCRIBE"],"durationMinutes":120},"selfSigned":false,"ifNotExists":false,"overrides":{}}],
  ["stage list", [], {}],
  ["stage get", ["s"], "s"],
  ["stage delete", ["s", "--cluster", "c1", "--if-exists"], {"stage":"s","overrides":{"cluster":"c1"},"ifExists":true}],
  ["stage token", ["s", "--user-id", "u", "--capabilities", "subscribe", "--attribute", "a=b", "--ttl", "30m", "--self-signed", "--participant-id", "p-1", "--count", "2", "--key-file", "k.pem", "--public-key-arn", "arn:aws:ivs:us-west-2:123456789012:public-key/AbCdEf012345"], {"stage":"s","token":{"userId":"u","capabilities":["SUBSCRIBE"],"attributes":{"a":"b"},"durationMinutes":30},"selfSigned":true,"count":2,"participantId":"p-1","privateKeyFile":"k.pem","publicKeyArn":"arn:aws:ivs:us-west-2:123456789012:public-key/AbCdEf012345","overrides":{}}],
  ["stage participants", ["s", "--session", "st-AbCdEf0123456", "--state", "connected"], {"stage":"s","session":"st-AbCdEf0123456","state":"CONNECTED"}],
  ["stage disconnect", ["s", "p1", "--reason", "bye"], {"stage":"s","participantId":"p1","reason":"bye"}],
  ["stage sessions", ["s"], "s"],
  ["keys list", ["--key-secret", "sec"], {"overrides":{"keySecret":"sec"}}],
  ["keys rotate", ["--grace", "12h", "--no-restart-vps", "--verbose"], {"graceMs":43200000,"overrides":{},"restartVps":false,"verbose":true}],
  ["keys rotate", ["--private-key-file", "new.pem"], {"graceMs":86400000,"privateKeyFile":"new.pem","overrides":{},"verbose":false}],
  ["keys prune", [], {"overrides":{}}],
  ["keys import", ["pub.pem", "--name", "k1", "--tag", "a=b"], {"file":"pub.pem","name":"k1","tags":{"team":"video","a":"b"}}],
  ["keys delete", ["arn:aws:ivs:us-west-2:123456789012:public-key/AbCdEf012345", "--force"], {"arn":"arn:aws:ivs:us-west-2:123456789012:public-key/AbCdEf012345","force":true,"overrides":{},"ifExists":false}],
  ["local start", ["--port", "0", "--state", ":memory:", "--detach"], {"port":0,"portGiven":true,"statePath":":memory:","detach":true}],
  ["local stop", [], {}],
  ["local status", [], {}],
  ["completion", ["bash"], "bash"],
  ["demo", [], {}],
  ["sweep", ["--tag", "ivsctl:e2e=run-1"], {"tags":{"ivsctl:e2e":"run-1"}}],
];

describe("flags -> options, every command", () => {
  test("every leaf command has a case here", async () => {
    const covered = new Set(CASES.map(([path]) => path));
    expect([...(await leaves()).keys()].filter((p) => !covered.has(p))).toEqual([]);
  });

  for (const [path, argv, expected] of CASES) {
    test(`${path} ${argv.join(" ")}`, async () => {
      expect(await optionsOf(path, argv)).toEqual(expected as never);
    });
  }

  test("global flags never reach options: domain functions read them from ctx.globals", async () => {
    expect(await optionsOf("channel delete", ["demo", "--dry-run", "--stack", "s", "-o", "json"])).toEqual({ channel: "demo", ifExists: false, force: false });
  });

  test("with --stack the channel argument may be left out: the domain function resolves it", async () => {
    for (const path of ["channel get", "recording get"]) expect(await optionsOf(path, ["--stack", "s"])).toBeUndefined();
    for (const path of ["stream get", "stream stop", "stream sessions"]) expect(await optionsOf(path, ["--stack", "s"])).toEqual({});
    expect(await optionsOf("metadata put", ['{"question": 1}', "--stack", "s"])).toEqual({ channel: '{"question": 1}', json: false });
    expect(await optionsOf("stream-key rotate", ["--stack", "s"])).toEqual({ force: false });
    expect(await optionsOf("ingest", ["--stack", "s", "--duration", "30s"])).toMatchObject({ durationMs: 30_000 });
  });

  test("bad values are usage errors (exit 2) from options(), before any client exists", async () => {
    const bad: [string, string[], string][] = [
      ["channel token", ["demo", "--count", "0"], "--count must be a whole number from 1 to"],
      ["channel create", ["--type", "huge"], "--type must be one of"],
      ["ingest", ["demo", "--fps", "99"], "--fps must be between 1 and 60"],
      ["stage token", ["s", "--capabilities", "admin"], "--capabilities"],
      ["keys rotate", ["--grace", "-1h"], "--grace must not be negative"],
      ["local start", ["--port", "70000"], "--port must be a whole number from 0 to 65535"],
    ];
    for (const [path, argv, message] of bad) {
      const err = await optionsOf(path, argv).then(() => undefined, (e: unknown) => e);
      expect(err).toBeInstanceOf(CliError);
      expect((err as CliError).exitCode).toBe(2);
      expect((err as CliError).message).toContain(message);
    }
  });

  test("every run() loads a domain function", async () => {
    for (const [path, leaf] of await leaves()) {
      const run = await leaf.run();
      expect([path, typeof run]).toEqual([path, "function"]);
    }
  });
});
