import { describe, expect, test } from "bun:test";
import { globalArgs, mutatingArgs } from "../../src/cli/args.ts";
import { parseArgv } from "../../src/cli/parse.ts";
import { toCliError } from "../../src/cli/errors.ts";
import { expectUsageError } from "../helpers/assert.ts";
import { ExitCode } from "../../src/cli/exit-codes.ts";
import { redactSecrets, redactString } from "../../src/cli/redact.ts";
import { parseDuration, formatDuration } from "../../src/cli/duration.ts";
import { arnId, parseArn } from "../../src/contract/arn.ts";
import { parseTags } from "../../src/aws/tags.ts";
import { parseResourceRef } from "../../src/aws/resolve.ts";
import { Output } from "../../src/cli/output.ts";
import { bufferIO } from "../../src/cli/io.ts";
import { resolveGlobals } from "../../src/cli/context.ts";
import { resolveAwsSettings } from "../../src/aws/clients.ts";

const defs = {
  name: { type: "string" },
  tag: { type: "string", repeatable: true },
  force: { type: "boolean" },
  target: { type: "positional" },
  ...mutatingArgs,
  ...globalArgs,
} as const;

const usage = expectUsageError;

describe("strict argument parsing", () => {
  test("flags, =values, aliases, repeatables and positionals", () => {
    const a = parseArgv(["x", "--name=n", "--tag", "a=1", "--tag", "b=2", "-o", "json", "--force", "--dry-run"], defs);
    expect(a.positional("target")).toBe("x");
    expect(a.string("name")).toBe("n");
    expect(a.list("tag")).toEqual(["a=1", "b=2"]);
    expect(a.string("output")).toBe("json");
    expect(a.flag("force")).toBe(true);
    expect(a.flag("dry-run")).toBe(true);
  });
  test("--no-X negates a boolean; --no-color is its own flag", () => {
    expect(parseArgv(["x", "--no-force"], defs).bool("force")).toBe(false);
    expect(parseArgv(["x", "--no-color"], defs).flag("no-color")).toBe(true);
  });
  test("unknown flags, missing values and extra positionals are usage errors", () => {
    expect(usage(() => parseArgv(["x", "--nope"], defs)).message).toBe("unknown flag --nope");
    expect(usage(() => parseArgv(["x", "-z"], defs)).message).toBe("unknown flag -z");
    expect(usage(() => parseArgv(["x", "--name"], defs)).message).toBe("--name needs a value");
    expect(usage(() => parseArgv(["x", "--name", "--force"], defs)).message).toBe("--name needs a value");
    expect(usage(() => parseArgv(["x", "y"], defs)).message).toBe('unexpected argument "y"');
    expect(usage(() => parseArgv([], defs)).message).toBe("missing required argument <target>");
    expect(usage(() => parseArgv(["x", "--name", "a", "--name", "b"], defs)).message).toBe("--name was given more than once");
    expect(usage(() => parseArgv(["x", "--force=maybe"], defs)).message).toBe('--force takes no value (got "maybe")');
  });
  test("a negative number is a value, and -- ends flags", () => {
    const a = parseArgv(["-5", "--", "--name"], defs);
    expect(a.positional("target")).toBe("-5");
    expect(a.rest).toEqual(["--name"]);
  });
  test("integer() is the one whole-number parser, with bounds in its message", () => {
    const a = parseArgv(["x", "--name", "42"], defs);
    expect(a.integer("name", { min: 1, max: 100 })).toBe(42);
    expect(parseArgv(["x"], defs).integer("name")).toBeUndefined();
    for (const [v, msg] of [
      ["0", '--name must be a whole number from 1 to 100 (got "0")'],
      ["101", '--name must be a whole number from 1 to 100 (got "101")'],
      ["1.5", '--name must be a whole number from 1 to 100 (got "1.5")'],
      ["x", '--name must be a whole number from 1 to 100 (got "x")'],
    ]) expect(usage(() => parseArgv(["x", `--name=${v}`], defs).integer("name", { min: 1, max: 100 })).message).toBe(msg!);
    expect(usage(() => parseArgv(["x", "--name=-1"], defs).integer("name", { min: 0 })).message).toBe('--name must be a whole number >= 0 (got "-1")');
  });
  test("duration() and number(): the one way flags become milliseconds and decimals", () => {
    expect(parseArgv(["x", "--name", "1h30m"], defs).duration("name")).toBe(5_400_000);
    expect(parseArgv(["x"], defs).duration("name")).toBeUndefined();
    expect(usage(() => parseArgv(["x", "--name=-5m"], defs).duration("name")).message).toBe('--name must not be negative (got "-5m")');
    expect(usage(() => parseArgv(["x", "--name", "soon"], defs).duration("name")).message).toBe('--name must be a duration like 30s, 15m, 12h or 1h30m (got "soon")');
    expect(parseArgv(["x", "--name", "2.5"], defs).number("name", { min: 0, max: 5 })).toBe(2.5);
    expect(usage(() => parseArgv(["x", "--name", "6"], defs).number("name", { min: 0, max: 5 })).message).toBe('--name must be a number from 0 to 5 (got "6")');
    expect(usage(() => parseArgv(["x", "--name", "fast"], defs).number("name")).message).toBe('--name must be a number (got "fast")');
  });
  test("choice() is case-insensitive and canonicalises", () => {
    const a = parseArgv(["x", "--name", "basic"], defs);
    expect(a.choice("name", ["BASIC", "STANDARD"] as const)).toBe("BASIC");
    expect(usage(() => parseArgv(["x", "--name", "huge"], defs).choice("name", ["BASIC"] as const)).message).toBe('--name must be one of BASIC (got "huge")');
  });
});

describe("global options precedence", () => {
  const io = bufferIO();
  test("flag beats env beats default", () => {
    expect(resolveGlobals(parseArgv(["x"], defs), {}, io).output).toBe("table");
    expect(resolveGlobals(parseArgv(["x"], defs), { IVSCTL_OUTPUT: "json" }, io).output).toBe("json");
    expect(resolveGlobals(parseArgv(["x", "-o", "text"], defs), { IVSCTL_OUTPUT: "json" }, io).output).toBe("text");
    expect(resolveGlobals(parseArgv(["x"], defs), { IVSCTL_STACK: "s1" }, io).stack).toBe("s1");
    expect(resolveGlobals(parseArgv(["x", "--stack", "s2"], defs), { IVSCTL_STACK: "s1" }, io).stack).toBe("s2");
    expect(resolveGlobals(parseArgv(["x"], defs), { IVSCTL_LOCAL: "1" }, io).local).toBe(true);
    expect(resolveGlobals(parseArgv(["x", "--no-local"], defs), { IVSCTL_LOCAL: "1" }, io).local).toBe(false);
  });
  test("bad -o, region and endpoint are usage errors", () => {
    usage(() => resolveGlobals(parseArgv(["x", "-o", "yaml"], defs), {}, io));
    usage(() => resolveGlobals(parseArgv(["x", "--region", "mars"], defs), {}, io));
    usage(() => resolveGlobals(parseArgv(["x", "--endpoint-url", "localhost:1"], defs), {}, io));
  });
  test("region: --region, then AWS_REGION, then AWS_DEFAULT_REGION; local mode defaults it and sets the endpoint", () => {
    expect(resolveAwsSettings({ local: false }, { AWS_DEFAULT_REGION: "eu-west-1" }).region).toBe("eu-west-1");
    expect(resolveAwsSettings({ local: false }, { AWS_DEFAULT_REGION: "eu-west-1", AWS_REGION: "us-west-2" }).region).toBe("us-west-2");
    expect(resolveAwsSettings({ local: false, region: "ap-south-1" }, { AWS_REGION: "us-west-2" }).region).toBe("ap-south-1");
    expect(resolveAwsSettings({ local: false }, {}).region).toBeUndefined();
    const local = resolveAwsSettings({ local: true }, { IVSCTL_LOCAL_ENDPOINT: "http://127.0.0.1:9" , IVSCTL_HOME: "/nonexistent"});
    expect([local.region, local.endpoint, local.credentials?.accessKeyId]).toEqual(["us-east-1", "http://127.0.0.1:9", "AKIDLOCAL"]);
    expect(resolveAwsSettings({ local: true, endpointUrl: "http://h:1" }, { IVSCTL_LOCAL_ENDPOINT: "http://127.0.0.1:9" }).endpoint).toBe("http://h:1");
  });
});

describe("error mapping to exit codes", () => {
  const aws = (name: string, status?: number, message = "m") => Object.assign(new Error(message), { name, $metadata: { httpStatusCode: status } });
  test.each([
    ["ValidationException", 400, ExitCode.Usage],
    ["AccessDeniedException", 403, ExitCode.Config],
    ["ResourceNotFoundException", 404, ExitCode.NotFound],
    ["ConflictException", 409, ExitCode.State],
    ["ChannelNotBroadcasting", 404, ExitCode.State],
    ["ServiceQuotaExceededException", 402, ExitCode.State],
    ["ThrottlingException", 429, ExitCode.Throttled],
    ["InternalServerException", 500, ExitCode.Throttled],
    ["SomethingNew", 503, ExitCode.Throttled],
    ["SomethingElse", 418, ExitCode.Internal],
  ] as const)("%s (HTTP %d) -> exit %d", (name, status, code) => {
    const e = toCliError(aws(name, status), "doing it");
    expect(e.exitCode).toBe(code);
    expect(e.message).toBe("doing it: m");
  });
  test("missing region and credentials are configuration errors with hints", () => {
    expect(toCliError(new Error("Region is missing")).exitCode).toBe(ExitCode.Config);
    const cred = toCliError(Object.assign(new Error("Could not load credentials from any providers"), { name: "CredentialsProviderError" }));
    expect(cred.exitCode).toBe(ExitCode.Config);
    expect(cred.hint).toContain("--local");
  });
  test("a missing stack is exit 3; multi-line messages become one line", () => {
    expect(toCliError(aws("ValidationError", 400, "Stack with id x does not exist")).exitCode).toBe(ExitCode.Config);
    expect(toCliError(aws("X", 400, "a\n  b")).message).toBe("a b");
  });
  test("connection refused is exit 6 with a hint", () => {
    const e = toCliError(Object.assign(new Error("connect ECONNREFUSED 127.0.0.1:1"), { code: "ECONNREFUSED" }));
    expect(e.exitCode).toBe(ExitCode.Throttled);
    expect(e.hint).toContain("ivsctl local start");
  });
});

describe("redaction", () => {
  // Real shape: sk_<region>_<12-char key id>_<30-char secret> (AWS CLI example ivs/get-stream-key.rst).
  const key = "sk_us-west-2_abcdABCDefgh_567890abcdefSECRETsecret0123";
  test("stream keys keep region, key id and the secret's last 4 characters", () => {
    expect(redactString(key)).toBe("sk_us-west-2_abcdABCDefgh_****0123");
    expect(redactString(`rtmps://h:443/app/${key}`)).toBe("rtmps://h:443/app/sk_us-west-2_abcdABCDefgh_****0123");
  });
  test("third-party RTMP(S) URLs: everything after the application segment is the stream name, masked whole", () => {
    expect(redactString("rtmps://live.example.com/live/app/SECRETKEY123")).toBe("rtmps://live.example.com/live/****");
    expect(redactString("ffmpeg ... -f flv rtmp://h:1935/app/abcdefgh")).toBe("ffmpeg ... -f flv rtmp://h:1935/app/****");
    expect(redactString("rtmps://h/app")).toBe("rtmps://h/app");
  });
  test("passphrases, private keys and nested values", () => {
    const pem = "-----BEGIN PRIVATE KEY-----\nMIG2AgEA\n-----END PRIVATE KEY-----";
    const out = redactSecrets({ srt: { passphrase: "p4ss" }, list: [key], pem, url: "srt://h:9000?streamid=x&passphrase=abc" });
    expect(out).toEqual({ srt: { passphrase: "****" }, list: ["sk_us-west-2_abcdABCDefgh_****0123"], pem: "-----PRIVATE KEY REDACTED-----", url: "srt://h:9000?streamid=****&passphrase=****" });
  });
});

describe("small parsers", () => {
  test("durations", () => {
    expect(parseDuration("90s", "--ttl")).toBe(90_000);
    expect(parseDuration("1h30m", "--ttl")).toBe(5_400_000);
    expect(parseDuration("12", "--ttl")).toBe(12_000);
    expect(parseDuration("500ms", "--ttl")).toBe(500);
    expect(formatDuration(43_200_000)).toBe("12h");
    for (const bad of ["", "1x", "h", "-5s", "1h 30m"]) usage(() => parseDuration(bad, "--ttl"));
  });
  test("ARNs", () => {
    expect(parseArn("arn:aws:ivs:us-west-2:123456789012:channel/AbCd")).toEqual({ partition: "aws", service: "ivs", region: "us-west-2", account: "123456789012", resourceType: "channel", resourceId: "AbCd" });
    expect(parseArn("arn:aws:secretsmanager:us-east-1:123456789012:secret:name-AbCdEf")?.resourceId).toBe("name-AbCdEf");
    expect(parseArn("arn:aws:ivs:us-west-2:12345:channel/x")).toBeUndefined();
    expect(parseArn("channel/x")).toBeUndefined();
    expect(arnId("arn:aws:ivs:us-west-2:123456789012:stage/AbCdEf012345")).toBe("AbCdEf012345");
    expect(arnId("arn:aws:ecs:us-east-1:123456789012:task/vp-cluster/0a1b2c3d4e5f60718293a4b5c6d7e8f9")).toBe("0a1b2c3d4e5f60718293a4b5c6d7e8f9");
    expect([arnId(undefined), arnId(null)]).toEqual([undefined, undefined]);
  });
  test("resource refs: ARN, id, name; wrong ARN type is a usage error", () => {
    expect(parseResourceRef("arn:aws:ivs:us-west-2:123456789012:channel/AbCdEf012345", "channel").kind).toBe("arn");
    expect(parseResourceRef("AbCdEf012345", "channel")).toEqual({ kind: "id", id: "AbCdEf012345" });
    expect(parseResourceRef("my-channel", "channel")).toEqual({ kind: "name", name: "my-channel" });
    expect(usage(() => parseResourceRef("arn:aws:ivs:us-west-2:123456789012:stage/AbCdEf012345", "channel")).message).toContain("is a ivs stage ARN");
    usage(() => parseResourceRef("arn:aws:ivs:broken", "channel"));
    usage(() => parseResourceRef("has space", "channel"));
  });
  test("tags", () => {
    expect(parseTags(["a=1", "b=x=y", "c="], {})).toEqual({ a: "1", b: "x=y", c: "" });
    expect(parseTags([], {})).toBeUndefined();
    for (const bad of [["novalue"], ["=v"], ["aws:x=1"], ["a=1", "a=2"], [`${"k".repeat(129)}=v`]]) usage(() => parseTags(bad, {}));
    usage(() => parseTags(Array.from({ length: 51 }, (_, i) => `k${i}=v`), {}));
    // IVSCTL_DEFAULT_TAGS adds tags; an explicit --tag of the same key wins.
    expect(parseTags([], { IVSCTL_DEFAULT_TAGS: "run=1, team=x" })).toEqual({ run: "1", team: "x" });
    expect(parseTags(["team=y"], { IVSCTL_DEFAULT_TAGS: "run=1,team=x" })).toEqual({ run: "1", team: "y" });
  });
});

describe("output formats", () => {
  const realKey = "sk_us-east-1_AbCdEfGhIjKl_ABCDEFGHIJklmnopqrstuvwxyz1234";
  const data = { items: [{ name: "a", key: realKey }] };
  const view = { kind: "table" as const, columns: ["name", "key"], rows: [["a", realKey]] };
  test("json is one document with secrets redacted", () => {
    const io = bufferIO();
    new Output(io, { format: "json", showSecrets: false, color: false }).result(data, view);
    expect(JSON.parse(io.out())).toEqual({ items: [{ name: "a", key: "sk_us-east-1_AbCdEfGhIjKl_****1234" }] });
  });
  test("table aligns columns; text is tab-separated; --show-secrets shows", () => {
    const t = bufferIO();
    new Output(t, { format: "table", showSecrets: false, color: false }).result(data, view);
    expect(t.out()).toBe("NAME  KEY\na     sk_us-east-1_AbCdEfGhIjKl_****1234\n");
    const x = bufferIO();
    new Output(x, { format: "text", showSecrets: true, color: false }).result(data, view);
    expect(x.out()).toBe(`a\t${realKey}\n`);
  });
  test("empty tables say (none); records align keys", () => {
    const io = bufferIO();
    const out = new Output(io, { format: "table", showSecrets: false, color: false });
    out.result({}, { kind: "table", columns: ["a"], rows: [] });
    out.result({}, { kind: "record", fields: [["Name", "x"], ["Longer key", undefined]] });
    expect(io.out()).toBe("(none)\nName        x\nLonger key  -\n");
  });
});
