/** The emulated ECS task's life as a pure function of time (src/local/ecs-lifecycle.ts). */
import { describe, expect, test } from "bun:test";
import { nextChange, refresh, type Plan, type TaskDoc, type VpLink } from "../../src/local/ecs-lifecycle.ts";

const T0 = 1_700_000_000_000;
const STEP = 100;

function task(plan: Partial<Plan> = {}, vp?: VpLink): TaskDoc {
  return {
    taskArn: "arn:aws:ecs:us-east-1:123456789012:task/c/abc",
    clusterArn: "arn:aws:ecs:us-east-1:123456789012:cluster/c",
    taskDefinitionArn: "arn:aws:ecs:us-east-1:123456789012:task-definition/vp:1",
    group: "family:vp",
    launchType: "FARGATE",
    platformVersion: "1.4.0",
    platformFamily: "Linux",
    availabilityZone: "us-east-1a",
    connectivity: "CONNECTED",
    desiredStatus: "RUNNING",
    lastStatus: "PROVISIONING",
    tags: [],
    overrides: {},
    attachments: [],
    containers: [{ containerArn: "arn:c", taskArn: "arn:t", name: "vp", image: "img", lastStatus: "PENDING", networkInterfaces: [] }],
    createdAt: T0,
    version: 1,
    _plan: { stepMs: STEP, ...plan },
    _vp: vp,
  };
}

const vp = (): VpLink => ({ stageArn: "arn:aws:ivs:us-east-1:123456789012:stage/abcdABCDefgh", token: "tok", participantId: "p1" });

describe("refresh(task, now)", () => {
  test("PROVISIONING -> PENDING -> RUNNING, one step each, with the start times in seconds", () => {
    expect(refresh(task(), T0).task.lastStatus).toBe("PROVISIONING");
    expect(refresh(task(), T0 + STEP).task.lastStatus).toBe("PENDING");
    const running = refresh(task(), T0 + 2 * STEP).task;
    expect(running.lastStatus).toBe("RUNNING");
    expect(running.containers[0]!.lastStatus).toBe("RUNNING");
    expect(running.startedAt).toBe((T0 + 2 * STEP) / 1000);
    expect(running.pullStartedAt).toBe((T0 + STEP) / 1000);
    expect(running.desiredStatus).toBe("RUNNING");
  });

  test("is pure: the task given is never changed", () => {
    const t = task({}, vp());
    const before = structuredClone(t);
    refresh(t, T0 + 10 * STEP);
    refresh({ ...t, _stop: { at: T0 + 3 * STEP, stopCode: "UserInitiated", reason: "r" } }, T0 + 10 * STEP);
    expect(t).toEqual(before);
  });

  test("a task held at PENDING stays there and has nothing more to do", () => {
    const held = refresh(task({ holdAt: "PENDING" }), T0 + 100 * STEP).task;
    expect(held.lastStatus).toBe("PENDING");
    expect(held.startedAt).toBeUndefined();
    expect(nextChange(held)).toBeUndefined();
  });

  test("a planned failure at PENDING stops without ever starting: no exit code", () => {
    const t = task({ stopAt: "PENDING" });
    expect(refresh(t, T0 + STEP).task.lastStatus).toBe("STOPPING");
    expect(refresh(t, T0 + 2 * STEP).task.lastStatus).toBe("DEPROVISIONING");
    const stopped = refresh(t, T0 + 3 * STEP).task;
    expect(stopped.lastStatus).toBe("STOPPED");
    expect(stopped.stopCode).toBe("TaskFailedToStart");
    expect(stopped.stoppedReason).toBe("Task failed to start");
    expect(stopped.desiredStatus).toBe("STOPPED");
    expect(stopped.containers[0]!.exitCode).toBeUndefined();
    expect(stopped.stoppedAt).toBe((T0 + 3 * STEP) / 1000);
    expect(nextChange(stopped)).toBeUndefined();
  });

  test("a container that exits after RUNNING stops with EssentialContainerExited and its exit code", () => {
    const stopped = refresh(task({ exitAfterMs: 250, exitCode: 3 }), T0 + 2 * STEP + 250 + 2 * STEP).task;
    expect(stopped.lastStatus).toBe("STOPPED");
    expect(stopped.stopCode).toBe("EssentialContainerExited");
    expect(stopped.containers[0]!.exitCode).toBe(3);
    expect(stopped.stoppingAt).toBe((T0 + 2 * STEP + 250) / 1000);
  });

  test("a user stop: SIGTERM's 143 for a started container", () => {
    const running = refresh(task(), T0 + 3 * STEP).task;
    const stopped = refresh({ ...running, _stop: { at: T0 + 3 * STEP, stopCode: "UserInitiated", reason: "bye" } }, T0 + 5 * STEP).task;
    expect(stopped.lastStatus).toBe("STOPPED");
    expect(stopped.containers[0]!.exitCode).toBe(143);
    expect(stopped.stoppedReason).toBe("bye");
  });

  test("a VP task asks the stage to join when it reaches RUNNING, not before", () => {
    expect(refresh(task({}, vp()), T0 + STEP).join).toBeUndefined();
    const r = refresh(task({}, vp()), T0 + 5 * STEP);
    expect(r.join).toEqual({ at: T0 + 2 * STEP });
  });

  test("a joined VP runs, and leaves the stage once when stopped", () => {
    const joined = refresh(task({}, { ...vp(), joined: true }), T0 + 3 * STEP);
    expect(joined.join).toBeUndefined();
    expect(joined.task.lastStatus).toBe("RUNNING");
    expect(joined.leave).toBeUndefined();
    const stopping = refresh({ ...joined.task, _stop: { at: T0 + 4 * STEP, stopCode: "UserInitiated", reason: "r" } }, T0 + 4 * STEP);
    expect(stopping.leave).toEqual({ stageArn: vp().stageArn, participantId: "p1", at: T0 + 4 * STEP });
    expect(refresh(stopping.task, T0 + 9 * STEP).leave).toBeUndefined();
  });

  test("a VP whose token the stage rejected exits 1 at RUNNING, saying why", () => {
    const stopped = refresh(task({}, { ...vp(), rejected: "token expired" }), T0 + 4 * STEP).task;
    expect(stopped.lastStatus).toBe("STOPPED");
    expect(stopped.stopCode).toBe("EssentialContainerExited");
    expect(stopped.containers[0]!.exitCode).toBe(1);
    expect(stopped.containers[0]!.reason).toBe("stage rejected the participant token: token expired");
    expect(stopped._vp!.left).toBe(true);
  });

  test("nextChange: a RUNNING task with nothing planned has no next change; a starting one has", () => {
    expect(nextChange(refresh(task(), T0).task)).toBe(STEP / 2);
    expect(nextChange(refresh(task(), T0 + 2 * STEP).task)).toBeUndefined();
    expect(nextChange(refresh(task({ exitAfterMs: 1000 }), T0 + 2 * STEP).task)).toBe(STEP / 2);
  });
});
