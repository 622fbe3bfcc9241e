/**
 * Failure injection, apart from routing: `POST /_ivsctl/faults` adds a fault; each matching request
 * takes it (an error, a delay, or a shaped ECS RunTask result) until it is used up or expires.
 */

/** An injected failure: matching requests get this error (or a hang) until it is used up or expires. */
export interface Fault {
  service?: string;
  operation?: string;
  code: string;
  status: number;
  message?: string;
  /** How many matching requests it still applies to (undefined: no limit). */
  remaining?: number;
  /** Epoch ms after which it no longer applies. */
  untilMs?: number;
  /** Delay before answering, to simulate a server that stops answering. */
  delayMs?: number;
  /** ECS RunTask: answer `failures: [{reason, detail}]` instead of an error (see src/local/ecs.ts). */
  failure?: { reason: string; detail?: string; arn?: string };
  /** ECS RunTask: how the started tasks behave (hold at a status, or stop when reaching one; see src/local/ecs.ts). */
  task?: { holdAt?: string; stopAt?: string; stopCode?: string; stoppedReason?: string; exitCode?: number };
}

/** What `POST /_ivsctl/faults` accepts: a fault, with a lifetime instead of an end time if wished. */
export type FaultRequest = Partial<Fault> & { code: string; durationMs?: number };

/** A fault applies to a request when each of its service and operation is unset or equal. */
export function faultMatches(fault: Pick<Fault, "service" | "operation">, service: string, operation: string): boolean {
  return (!fault.service || fault.service === service) && (!fault.operation || fault.operation === operation);
}

/** Whether the fault answers with an error of its own (not a delay alone, not a shaped RunTask result). */
export function faultThrows(fault: Fault): boolean {
  return Boolean(fault.code) && fault.code !== "Delay" && !fault.failure && !fault.task;
}

/** Whether the operation itself must see the fault (it shapes the result instead of failing the call). */
export function faultShapesResult(fault: Fault): boolean {
  return Boolean(fault.failure || fault.task);
}

export class FaultTable {
  private readonly faults: Fault[] = [];

  add(request: FaultRequest, now: number): number {
    const { durationMs, ...fault } = request;
    this.faults.push({ ...fault, status: fault.status ?? 500, untilMs: durationMs ? now + durationMs : fault.untilMs });
    return this.faults.length;
  }

  clear(): void {
    this.faults.length = 0;
  }

  list(): readonly Fault[] {
    return this.faults;
  }

  /** The first live fault matching the request, counted as used; expired and used-up ones are dropped. */
  take(service: string, operation: string, now: number): Fault | undefined {
    for (let i = this.faults.length - 1; i >= 0; i--) if (this.faults[i]!.untilMs !== undefined && this.faults[i]!.untilMs! < now) this.faults.splice(i, 1);
    const fault = this.faults.find((f) => faultMatches(f, service, operation));
    if (fault && fault.remaining !== undefined && --fault.remaining <= 0) this.faults.splice(this.faults.indexOf(fault), 1);
    return fault;
  }
}
