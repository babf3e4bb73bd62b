import { SqsError } from "./sqs-error.js";

/**
 * Switches for making the emulator misbehave the way SQS can: errors for the next calls of an action,
 * failed entries inside batch answers, added latency, a full outage. Also counts calls per action for
 * assertions (calls per job, batching).
 */

export interface SqsFault {
  /** An operation name (`ReceiveMessage`) or `*` for any. */
  action: string;
  /** Error code, e.g. `RequestThrottled`, `ThrottlingException`, `InternalError`, `ServiceUnavailable`. */
  code: string;
  /** HTTP status; defaults to the code's usual status. */
  status?: number;
  /** How many calls (or batch entries) fail (default 1). */
  count?: number;
  message?: string;
  /**
   * `call` (default) fails the whole request; `entry` fails individual entries of batch calls
   * (SendMessageBatch, DeleteMessageBatch, ChangeMessageVisibilityBatch) in `Failed[]`, answering 200.
   */
  scope?: "call" | "entry";
}

export interface SqsStats {
  /** Calls received per operation (including the ones answered with an injected fault). */
  calls: Record<string, number>;
  /** Calls (or batch entries) answered with an injected fault or the outage, per operation. */
  faulted: Record<string, number>;
}

export class FaultPlan {
  readonly #faults: (SqsFault & { remaining: number })[] = [];
  readonly #latency = new Map<string, number>();
  #outage = false;
  readonly #calls: Record<string, number> = {};
  readonly #faulted: Record<string, number> = {};

  constructor(latencyMs?: number | Partial<Record<string, number>>) {
    const entries =
      typeof latencyMs === "number" ? [["*", latencyMs] as const] : Object.entries(latencyMs ?? {});
    for (const [action, ms] of entries) if (ms !== undefined) this.setLatency(action, ms);
  }

  inject(fault: SqsFault): void {
    this.#faults.push({ ...fault, remaining: fault.count ?? 1 });
  }

  setLatency(action: string, ms: number): void {
    if (ms > 0) this.#latency.set(action, ms);
    else this.#latency.delete(action);
  }

  setOutage(on: boolean): void {
    this.#outage = on;
  }

  latencyFor(action: string): number {
    return this.#latency.get(action) ?? this.#latency.get("*") ?? 0;
  }

  count(action: string): void {
    this.#calls[action] = (this.#calls[action] ?? 0) + 1;
  }

  /** The error this call must fail with, if any; consumes one use of a matching fault. */
  take(action: string): SqsError | undefined {
    if (this.#outage) {
      return this.#fail(
        action,
        new SqsError("ServiceUnavailable", "Service is unavailable (emulated outage)."),
      );
    }
    return this.#consume(action, "call");
  }

  /** The error one batch entry must fail with, if any. */
  takeEntry(action: string): SqsError | undefined {
    return this.#consume(action, "entry");
  }

  stats(): SqsStats {
    return { calls: { ...this.#calls }, faulted: { ...this.#faulted } };
  }

  #consume(action: string, scope: "call" | "entry"): SqsError | undefined {
    const index = this.#faults.findIndex(
      (f) => (f.action === action || f.action === "*") && (f.scope ?? "call") === scope,
    );
    if (index < 0) return undefined;
    const fault = this.#faults[index]!;
    fault.remaining--;
    if (fault.remaining <= 0) this.#faults.splice(index, 1);
    return this.#fail(
      action,
      new SqsError(fault.code, fault.message ?? `Injected fault: ${fault.code}`, fault.status),
    );
  }

  #fail(action: string, error: SqsError): SqsError {
    this.#faulted[action] = (this.#faulted[action] ?? 0) + 1;
    return error;
  }
}
