/** Request validation against the botocore service models (when Python's botocore is installed). */
import { describe, expect, test } from "bun:test";
import { findBotocoreData, loadModel, validateInput } from "../../src/local/models.ts";
import { skipReason } from "../helpers/tools.ts";

const dataDir = findBotocoreData(process.env);
if (!dataDir) skipReason("botocore model validation", "python3 botocore");

describe.skipIf(!dataDir)("botocore model validation", () => {
  const ivs = loadModel(dataDir, "ivs")!;
  const cfn = loadModel(dataDir, "cloudformation")!;
  test("a valid CreateChannel passes", () => {
    expect(validateInput("ivs", ivs, "CreateChannel", { name: "ok-name_1", type: "BASIC", tags: { a: "b" } })).toEqual([]);
  });
  test("enum, pattern (whole value), length and type violations are reported like AWS", () => {
    expect(validateInput("ivs", ivs, "CreateChannel", { type: "HUGE" })).toEqual([
      "Value 'HUGE' at 'type' failed to satisfy constraint: Member must satisfy enum value set: [BASIC, STANDARD, ADVANCED_SD, ADVANCED_HD]",
    ]);
    expect(validateInput("ivs", ivs, "CreateChannel", { name: "bad name!" })[0]).toContain("Member must satisfy regular expression pattern: [a-zA-Z0-9-_]*");
    expect(validateInput("ivs", ivs, "CreateChannel", { name: "x".repeat(129) })[0]).toContain("Member must have length less than or equal to 128");
    expect(validateInput("ivs", ivs, "CreateChannel", { authorized: "yes" })[0]).toContain("Member must be a boolean");
  });
  test("required members", () => {
    expect(validateInput("ivs", ivs, "GetChannel", {})).toEqual(["Value null at 'arn' failed to satisfy constraint: Member must not be null"]);
  });
  test("the model's broken ResourceArn pattern is not enforced (real ARNs must pass)", () => {
    expect(validateInput("ivs", ivs, "ListTagsForResource", { resourceArn: "arn:aws:ivs:us-east-1:123456789012:channel/AbCdEf012345" })).toEqual([]);
  });
  test("query-protocol scalars arrive as text and are checked as numbers", () => {
    expect(validateInput("cloudformation", cfn, "ListTypes", { MaxResults: "5" })).toEqual([]);
    expect(validateInput("cloudformation", cfn, "ListTypes", { MaxResults: "500" })).toEqual(["Value '500' at 'MaxResults' failed to satisfy constraint: Member must have value less than or equal to 100"]);
  });
});
