/** VP input checks that run before any AWS call, and the names the VP container relies on. */
import { describe, expect, test } from "bun:test";
import { CliError } from "../../src/cli/errors.ts";
import { checkResolvedRole, checkRoleInputs } from "../../src/stack/roles.ts";
import { parseEnv, startedByFor, VP_ENV } from "../../src/vp/options.ts";
import { stopReasonOf } from "../../src/vp/vp.ts";
import { toVpTask } from "../../src/vp/tasks.ts";

function failure(fn: () => unknown): { exitCode: number; message: string } {
  try {
    fn();
  } catch (e) {
    if (e instanceof CliError) return { exitCode: e.exitCode, message: e.message };
    throw e;
  }
  throw new Error("did not throw");
}

describe("vp options", () => {
  test("startedBy is ivsctl-vp-<stage id>, within ECS's 36-character limit", () => {
    const s = startedByFor("arn:aws:ivs:us-west-2:123456789012:stage/AbCdEf012345");
    expect(s).toBe("ivsctl-vp-AbCdEf012345");
    expect(s.length).toBeLessThanOrEqual(36);
  });

  test("--subnets / --security-groups / --assign-public-ip and their env vars are checked (exit 2)", () => {
    expect(failure(() => checkRoleInputs({ subnets: "subnet-0a1b2c3d,vpc-12345678" }, {}))).toEqual({ exitCode: 2, message: '--subnets: "vpc-12345678" is not a subnet id (subnet- and 8 or 17 hex digits)' });
    expect(failure(() => checkRoleInputs({}, { IVSCTL_SECURITY_GROUPS: "sg-xyz" }))).toEqual({ exitCode: 2, message: 'IVSCTL_SECURITY_GROUPS: "sg-xyz" is not a security group id (sg- and 8 or 17 hex digits)' });
    expect(failure(() => checkRoleInputs({ assignPublicIp: "yes" }, {})).exitCode).toBe(2);
    expect(failure(() => checkRoleInputs({ taskDefinition: "vp:latest" }, {})).exitCode).toBe(2);
    // the flag wins over the environment, so only the flag is checked
    expect(() => checkRoleInputs({ subnets: "subnet-0a1b2c3d4e5f60001" }, { IVSCTL_SUBNETS: "nonsense" })).not.toThrow();
    expect(() => checkRoleInputs({ cluster: "arn:aws:ecs:us-east-1:123456789012:cluster/vp", taskDefinition: "vp:3", securityGroups: "sg-0a1b2c3d, sg-0a1b2c3d4e5f60003" }, {})).not.toThrow();
  });

  test("a malformed value from the stack is the stack's problem (exit 3)", () => {
    expect(failure(() => checkResolvedRole("subnets", ["subnet-zz"], "output Subnets"))).toEqual({
      exitCode: 3,
      message: 'Subnets for VP tasks (comma-separated): "subnet-zz" is not a subnet id (subnet- and 8 or 17 hex digits) (from output Subnets)',
    });
  });

  test("--env NAME=VALUE, not the contract's names", () => {
    expect(parseEnv(["LOG_LEVEL=debug", "EMPTY="])).toEqual({ LOG_LEVEL: "debug", EMPTY: "" });
    expect(failure(() => parseEnv([`${VP_ENV.token}=x`])).message).toBe("--env PARTICIPANT_TOKEN: ivsctl sets PARTICIPANT_TOKEN itself");
    expect(failure(() => parseEnv(["1BAD=x"])).exitCode).toBe(2);
  });

  test("a stopped task's reason joins ECS's stop code, reason, exit code and the container's reason", () => {
    const vp = toVpTask({
      taskArn: "arn:aws:ecs:us-east-1:123456789012:task/c/abc",
      lastStatus: "STOPPED",
      stopCode: "EssentialContainerExited",
      stoppedReason: "Essential container in task exited",
      containers: [{ name: "vp", exitCode: 1, reason: "token rejected" }],
      tags: [{ key: "ivsctl:stage", value: "arn:aws:ivs:us-east-1:123456789012:stage/AbCdEf012345" }, { key: "ivsctl:participant-id", value: "p1" }],
      overrides: { containerOverrides: [{ name: "vp", environment: [{ name: "ASSET_NAME", value: "a.mp4" }] }] },
    });
    expect([vp.stageArn, vp.participantId, vp.asset]).toEqual(["arn:aws:ivs:us-east-1:123456789012:stage/AbCdEf012345", "p1", "a.mp4"]);
    expect(stopReasonOf(vp)).toBe("EssentialContainerExited: Essential container in task exited (exit code 1); container: token rejected");
    expect(stopReasonOf({ stopCode: "UserInitiated", stoppedReason: "kicked" })).toBe("UserInitiated: kicked");
    expect(stopReasonOf({})).toBeUndefined();
  });
});
