/** The emulator's own rules (src/local/**), tested without the client's code. */
import { describe, expect, test } from "bun:test";
import { checkRunTask, MAX_OVERRIDES_CHARACTERS, overridesLength, type TaskDefinitionDoc } from "../../src/local/ecs-runtask.ts";
import { ServiceError } from "../../src/local/errors.ts";
import { FaultTable, faultMatches, faultShapesResult, faultThrows } from "../../src/local/faults.ts";
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

describe("fault injection (src/local/faults.ts)", () => {
  test("a fault matches when each of its service and operation is unset or equal", () => {
    expect(faultMatches({}, "ivs", "GetChannel")).toBe(true);
    expect(faultMatches({ service: "ivs" }, "ivs", "GetChannel")).toBe(true);
    expect(faultMatches({ service: "ivs" }, "ecs", "GetChannel")).toBe(false);
    expect(faultMatches({ operation: "RunTask" }, "ecs", "RunTask")).toBe(true);
    expect(faultMatches({ operation: "RunTask" }, "ecs", "StopTask")).toBe(false);
    expect(faultMatches({ service: "ecs", operation: "RunTask" }, "ivs", "RunTask")).toBe(false);
  });

  test("a fault with `remaining` is used up; one with `durationMs` expires", () => {
    const table = new FaultTable();
    table.add({ service: "ivs", operation: "GetChannel", code: "ThrottlingException", status: 429, remaining: 2 }, 0);
    table.add({ service: "ecs", code: "ServerException", durationMs: 1000 }, 0);
    expect(table.take("ivs", "ListChannels", 0)).toBeUndefined();
    expect(table.take("ivs", "GetChannel", 0)?.code).toBe("ThrottlingException");
    expect(table.take("ivs", "GetChannel", 0)?.status).toBe(429);
    expect(table.take("ivs", "GetChannel", 0)).toBeUndefined();
    expect(table.take("ecs", "RunTask", 1000)?.status).toBe(500);
    expect(table.take("ecs", "RunTask", 1001)).toBeUndefined();
    expect(table.list()).toEqual([]);
  });

  test("the first matching fault wins, in the order they were added", () => {
    const table = new FaultTable();
    table.add({ code: "A", status: 500 }, 0);
    table.add({ service: "ivs", code: "B", status: 400 }, 0);
    expect(table.take("ivs", "GetChannel", 0)?.code).toBe("A");
  });

  test("a delay alone, or a shaped RunTask result, does not fail the call", () => {
    expect(faultThrows({ code: "Delay", status: 500, delayMs: 10 })).toBe(false);
    expect(faultThrows({ code: "X", status: 500, failure: { reason: "RESOURCE:FARGATE" } })).toBe(false);
    expect(faultShapesResult({ code: "X", status: 500, task: { holdAt: "PENDING" } })).toBe(true);
    expect(faultThrows({ code: "ThrottlingException", status: 429 })).toBe(true);
  });
});

describe("ECS RunTask checks (src/local/ecs-runtask.ts)", () => {
  const td: TaskDefinitionDoc = {
    taskDefinitionArn: "arn:aws:ecs:us-east-1:123456789012:task-definition/vp:1",
    family: "vp",
    revision: 1,
    status: "ACTIVE",
    networkMode: "awsvpc",
    requiresCompatibilities: ["FARGATE"],
    containerDefinitions: [{ name: "vp", image: "img" }],
  };
  const subnets = new Set(["subnet-0a1b2c3d4e5f60001"]);
  const input = (overrides?: unknown) => ({ taskDefinition: "vp", networkConfiguration: { awsvpcConfiguration: { subnets: [...subnets] } }, overrides });
  const padded = (size: number) => {
    const o = { containerOverrides: [{ name: "vp", environment: [{ name: "P", value: "" }] }] };
    o.containerOverrides[0]!.environment[0]!.value = "é".repeat(size - JSON.stringify(o).length); // characters, not bytes
    return o;
  };

  test("overrides: 8192 characters of JSON pass, 8193 are InvalidParameterException (400)", () => {
    expect(overridesLength(padded(8192))).toBe(8192);
    expect(checkRunTask(input(padded(8192)), td, subnets).count).toBe(1);
    let error: ServiceError | undefined;
    try {
      checkRunTask(input(padded(8193)), td, subnets);
    } catch (e) {
      error = e as ServiceError;
    }
    expect([error?.code, error?.status, error?.message]).toEqual(["InvalidParameterException", 400, `Container Overrides length must be at most ${MAX_OVERRIDES_CHARACTERS}`]);
  });

  test("a valid request gives its count, subnets, tags and overrides", () => {
    expect(checkRunTask({ ...input({ containerOverrides: [{ name: "vp" }] }), count: 2, tags: [{ key: "k", value: "v" }] }, td, subnets)).toEqual({
      count: 2,
      subnets: ["subnet-0a1b2c3d4e5f60001"],
      tags: [{ key: "k", value: "v" }],
      overrides: { containerOverrides: [{ name: "vp" }] },
    });
  });
});
