import { describe, expect, test } from "bun:test";
import { checkRecordingOptions, parseRenditions, parseThumbnailStorage, s3BucketNameProblem, toRecordingRequest, type RecordingOptions } from "../../src/channel/recording-options.ts";
import { expectUsageError } from "../helpers/assert.ts";

const base: RecordingOptions = { bucket: "my-vods", wait: false };

const usage = (fn: () => unknown): string => expectUsageError(fn).message;

describe("recording flags -> CreateRecordingConfiguration", () => {
  test("only the bucket: nothing else is sent (AWS defaults apply)", () => {
    expect(toRecordingRequest(base)).toEqual({ destinationConfiguration: { s3: { bucketName: "my-vods" } } });
  });

  test("--renditions HD,SD | all | none", () => {
    expect(toRecordingRequest({ ...base, renditions: parseRenditions("hd,SD") }).renditionConfiguration).toEqual({ renditionSelection: "CUSTOM", renditions: ["HD", "SD"] });
    expect(toRecordingRequest({ ...base, renditions: parseRenditions("all") }).renditionConfiguration).toEqual({ renditionSelection: "ALL" });
    expect(toRecordingRequest({ ...base, renditions: parseRenditions("NONE") }).renditionConfiguration).toEqual({ renditionSelection: "NONE" });
    expect(usage(() => parseRenditions("HD,4K"))).toContain("--renditions must be all, none, or a comma list of SD, HD, FULL_HD, LOWEST_RESOLUTION");
    expect(usage(() => parseRenditions("HD,HD"))).toContain("twice");
  });

  test("thumbnails: interval, storage, resolution -> INTERVAL mode; --no-thumbnails -> DISABLED", () => {
    const req = toRecordingRequest({ ...base, thumbnailIntervalSeconds: 10, thumbnailStorage: parseThumbnailStorage("sequential,LATEST"), thumbnailResolution: "HD" });
    expect(req.thumbnailConfiguration).toEqual({ recordingMode: "INTERVAL", targetIntervalSeconds: 10, resolution: "HD", storage: ["SEQUENTIAL", "LATEST"] });
    expect(toRecordingRequest({ ...base, thumbnailStorage: ["LATEST"] }).thumbnailConfiguration).toEqual({ recordingMode: "INTERVAL", storage: ["LATEST"] });
    expect(toRecordingRequest({ ...base, disableThumbnails: true }).thumbnailConfiguration).toEqual({ recordingMode: "DISABLED" });
    expect(usage(() => parseThumbnailStorage("SEQUENTIAL,EVERY"))).toContain("--thumbnail-storage");
  });

  test("name, reconnect window and tags", () => {
    expect(toRecordingRequest({ ...base, name: "vods", reconnectWindowSeconds: 60, tags: { a: "b" } })).toEqual({
      destinationConfiguration: { s3: { bucketName: "my-vods" } },
      name: "vods",
      recordingReconnectWindowSeconds: 60,
      tags: { a: "b" },
    });
  });

  test("limits: thumbnail interval 1-60 s, reconnect window 0-300 s, contradictions", () => {
    expect(usage(() => checkRecordingOptions({ ...base, thumbnailIntervalSeconds: 61 }))).toBe("--thumbnails must be a whole number of seconds from 1s to 60s (got 61s)");
    expect(usage(() => checkRecordingOptions({ ...base, thumbnailIntervalSeconds: 0.5 }))).toContain("--thumbnails");
    expect(usage(() => checkRecordingOptions({ ...base, reconnectWindowSeconds: 301 }))).toBe("--reconnect-window must be a whole number of seconds from 0s to 300s (got 301s)");
    expect(() => checkRecordingOptions({ ...base, reconnectWindowSeconds: 0, thumbnailIntervalSeconds: 60 })).not.toThrow();
    expect(usage(() => checkRecordingOptions({ ...base, disableThumbnails: true, thumbnailIntervalSeconds: 5 }))).toContain("--no-thumbnails contradicts");
  });
});

describe("S3 bucket names", () => {
  test("valid names", () => {
    for (const n of ["abc", "my-vods", "my.vods.2024", "a".repeat(63), "1bucket"]) expect(s3BucketNameProblem(n)).toBeUndefined();
  });
  test("invalid names say why", () => {
    expect(s3BucketNameProblem("ab")).toBe("must be 3 to 63 characters long");
    expect(s3BucketNameProblem("a".repeat(64))).toBe("must be 3 to 63 characters long");
    expect(s3BucketNameProblem("My_Bucket")).toBe("may hold only lowercase letters, digits, dots and hyphens");
    expect(s3BucketNameProblem("-abc")).toBe("must begin and end with a letter or digit");
    expect(s3BucketNameProblem("abc.")).toBe("must begin and end with a letter or digit");
    expect(s3BucketNameProblem("a..b")).toBe("must not contain two adjacent dots");
    expect(s3BucketNameProblem("192.168.5.4")).toBe("must not be formatted as an IP address");
    expect(s3BucketNameProblem("xn--abc")).toBe('must not start with "xn--"');
    expect(s3BucketNameProblem("abc-s3alias")).toBe('must not end with "-s3alias"');
    expect(usage(() => checkRecordingOptions({ ...base, bucket: "My_Bucket" }))).toBe('--bucket "My_Bucket" is not a valid S3 bucket name: it may hold only lowercase letters, digits, dots and hyphens');
  });
});
