/**
 * Redaction by structure (issue 11 §1): real IVS stream keys have two parts after the region, the
 * key id (public) and the secret; stage ingest keys carry the account too; any RTMP(S) stream name
 * and SRT streamid/passphrase are secret whatever characters they hold. And region names are
 * checked before any AWS call, from the flag (exit 2) and from the environment (exit 3).
 */
import { describe, expect, test } from "bun:test";
import { checkRegionEnv, checkRegionFlag, isRegionName } from "../../src/aws/region.ts";
import { resolveAwsSettings } from "../../src/aws/clients.ts";
import { CliError } from "../../src/cli/errors.ts";
import { ExitCode } from "../../src/cli/exit-codes.ts";
import { redactSecrets, redactString, registerSecret } from "../../src/cli/redact.ts";

// Shapes from AWS's own examples (AWS CLI ivs/get-stream-key.rst, ivs-realtime/create-ingest-configuration.rst),
// with a full-length 30-character secret.
const SECRET = "567890abcdefSECRETsecretSECRET";
const SK = `sk_us-west-2_abcdABCDefgh_${SECRET}`;
const RT = "rt_123456789012_us-west-2_AbCdEfGh1234_abcd1234efgh5678ijkl9012MNOP34";

function exitOf(f: () => unknown): number {
  try {
    f();
  } catch (e) {
    if (e instanceof CliError) return e.exitCode;
    throw e;
  }
  return 0;
}

describe("stream keys, by structure", () => {
  test("sk_<region>_<id>_<secret>: only the secret is masked, its last 4 characters kept", () => {
    expect(redactString(SK)).toBe("sk_us-west-2_abcdABCDefgh_****CRET");
    expect(redactString(SK)).not.toContain("SECRETsecret");
  });
  test("any region, including two-digit suffixes and partitions ivsctl has never heard of", () => {
    for (const region of ["us-east-10", "us-gov-west-1", "eusc-de-east-1", "cn-northwest-1", "xx-newplace-7"]) {
      const k = `sk_${region}_abcdABCDefgh_${SECRET}`;
      expect(redactString(k)).toBe(`sk_${region}_abcdABCDefgh_****CRET`);
    }
  });
  test("rt_<account>_<region>_<id>_<secret> (stage ingest configurations)", () => {
    expect(redactString(RT)).toBe("rt_123456789012_us-west-2_AbCdEfGh1234_****OP34");
    expect(redactString(`rtmps://h:443/app/${RT}`)).toBe("rtmps://h:443/app/rt_123456789012_us-west-2_AbCdEfGh1234_****OP34");
  });
  test("a short secret shows no tail; a one-part key is still masked", () => {
    expect(redactString("sk_us-west-2_abcdABCDefgh_abc123")).toBe("sk_us-west-2_abcdABCDefgh_****");
    expect(redactString("sk_us-east-1_AbCdEfGhIjKlMnOpQrStUvWxYz0123")).toBe("sk_us-east-1_****0123");
  });
  test("inside JSON text, quotes and sentences", () => {
    expect(redactString(`{"value":"${SK}"}`)).toBe('{"value":"sk_us-west-2_abcdABCDefgh_****CRET"}');
    expect(redactString(`key ${SK}, then more`)).toBe("key sk_us-west-2_abcdABCDefgh_****CRET, then more");
  });
  test("what the old redactor printed (the whole secret after a fake mask) is masked again", () => {
    expect(redactString("sk_us-west-2_****01kK_WVUJrovqZaiLOafeVsf3dZfYhe5Mma")).toBe("sk_us-west-2_****5Mma");
  });
  test("idempotent: redacting redacted text changes nothing", () => {
    for (const s of [SK, RT, `rtmps://h/app/${SK}`, "rtmp://h/app/x?token=SECRET", `srt://h:9000?streamid=${SK}&passphrase=pp`]) {
      const once = redactString(s);
      expect(redactString(once)).toBe(once);
    }
  });
});

describe("URLs: the stream name is secret whatever it holds", () => {
  test("hostile third-party names with ?, :, ' and quotes", () => {
    for (const name of ["mystream?token=SECRET", "my:stream:SECRET", "my'stream'SECRET", 'my"SECRET', "a/b/SECRET"]) {
      const out = redactString(`rtmp://h/app/${name}`);
      expect(out).toBe("rtmp://h/app/****");
      expect(out).not.toContain("SECRET");
    }
  });
  test("a quoted URL in a message keeps its closing quote, not the key", () => {
    expect(redactString(`--url must be valid (got "rtmp://h/app/my'stream?token=SECRET")`)).toBe('--url must be valid (got "rtmp://h/app/****")');
    expect(redactString(`ffmpeg -f flv 'rtmp://h/app/my'\\''stream?token=SECRET'`)).toBe("ffmpeg -f flv 'rtmp://h/app/****'");
  });
  test("an IVS key as the stream name keeps its structural form", () => {
    expect(redactString(`rtmps://example.invalid:443/app/${SK}`)).toBe("rtmps://example.invalid:443/app/sk_us-west-2_abcdABCDefgh_****CRET");
    expect(redactString(`rtmps://example.invalid:443/app/${SK}?x=1`)).toBe("rtmps://example.invalid:443/app/****");
  });
  test("SRT: streamid and passphrase values", () => {
    expect(redactString(`srt://h:9000?streamid=${SK}&passphrase=p4ssw0rdp4ssw0rd`)).toBe("srt://h:9000?streamid=sk_us-west-2_abcdABCDefgh_****CRET&passphrase=****");
    expect(redactString("srt://h:9000?streamid=third%3Aparty%3FSECRET&passphrase=x")).toBe("srt://h:9000?streamid=****&passphrase=****");
  });
  test("endpoints without a stream name are left alone", () => {
    expect(redactString("rtmps://h:443/app/")).toBe("rtmps://h:443/app/");
    expect(redactString("rtmps://h/app")).toBe("rtmps://h/app");
  });
  test("nested values and secret fields", () => {
    expect(redactSecrets({ a: [{ url: `rtmps://h/app/${SK}` }], srt: { passphrase: "x" } })).toEqual({
      a: [{ url: "rtmps://h/app/sk_us-west-2_abcdABCDefgh_****CRET" }],
      srt: { passphrase: "****" },
    });
  });
  test("a registered third-party secret is masked wherever it appears", () => {
    const odd = "oddThirdPartyKey-4921";
    expect(redactString(`server said: bad name ${odd}`)).toContain(odd);
    registerSecret(odd);
    expect(redactString(`server said: bad name ${odd}`)).toBe("server said: bad name ****");
  });
});

describe("regions", () => {
  test("the general shape plus the partitions' prefixes (botocore endpoints.json)", () => {
    for (const ok of ["us-east-1", "us-east-10", "eu-central-2", "us-gov-west-1", "cn-north-1", "us-iso-east-1", "us-isob-east-1", "eu-isoe-west-1", "us-isof-south-1", "eusc-de-east-1", "ap-southeast-7"]) {
      expect(isRegionName(ok)).toBe(true);
    }
    for (const bad of ["useast1", "us-east", "US-EAST-1", "us_east_1", "us-east-1 ", "u-east-1", "us-east-1a", "", "mars"]) {
      expect(isRegionName(bad)).toBe(false);
    }
  });
  test("--region is exit 2; AWS_REGION / AWS_DEFAULT_REGION are exit 3", () => {
    expect(exitOf(() => checkRegionFlag("useast1"))).toBe(ExitCode.Usage);
    expect(exitOf(() => checkRegionEnv("AWS_REGION", "useast1"))).toBe(ExitCode.Config);
    expect(exitOf(() => resolveAwsSettings({ local: false }, { AWS_REGION: "useast1" }))).toBe(ExitCode.Config);
    expect(exitOf(() => resolveAwsSettings({ local: false }, { AWS_DEFAULT_REGION: "us east 1" }))).toBe(ExitCode.Config);
    expect(exitOf(() => resolveAwsSettings({ local: true }, { AWS_REGION: "useast1" }))).toBe(ExitCode.Config);
    // The flag wins, so an unused environment value is not an error.
    expect(resolveAwsSettings({ local: false, region: "us-east-10" }, { AWS_REGION: "useast1" }).region).toBe("us-east-10");
  });
});
