/** The emulator's own rules (src/local/**), tested without the client's code. */
import { describe, expect, test } from "bun:test";
import { bucketNameViolation } from "../../src/local/s3-bucket-name.ts";

describe("S3 bucket names (the emulator's rule, from the S3 user guide)", () => {
  test.each([
    ["my-recordings", undefined],
    ["a.b-c", undefined],
    ["ab", "Bucket names must be between 3 and 63 characters long"],
    ["x".repeat(64), "Bucket names must be between 3 and 63 characters long"],
    ["My_Bucket", "Bucket names can consist only of lowercase letters, numbers, dots (.) and hyphens (-)"],
    ["-abc", "Bucket names must begin and end with a letter or number"],
    ["abc.", "Bucket names must begin and end with a letter or number"],
    ["a..b", "Bucket names must not contain two adjacent periods"],
    ["192.168.5.4", "Bucket names must not be formatted as an IP address"],
    ["xn--abc", "Bucket names must not start with a reserved prefix (xn--, sthree-, amzn-s3-demo-)"],
    ["amzn-s3-demo-bucket", "Bucket names must not start with a reserved prefix (xn--, sthree-, amzn-s3-demo-)"],
    ["data-s3alias", "Bucket names must not end with a reserved suffix (-s3alias, --ol-s3, .mrap, --x-s3, --table-s3)"],
    ["data--x-s3", "Bucket names must not end with a reserved suffix (-s3alias, --ol-s3, .mrap, --x-s3, --table-s3)"],
  ])("%p", (name, expected) => {
    expect(bucketNameViolation(name)).toBe(expected);
  });
});
