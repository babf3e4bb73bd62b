import { Ec2ApiError } from "./api-error.js";
import type { Ec2Fault } from "./options.js";

/** Injected failures and latency per action ("*" = any action). */
export class Faults {
  readonly #faults: Ec2Fault[] = [];
  readonly #latency = new Map<string, number>();

  constructor(latencyMs?: number | Partial<Record<string, number>>) {
    if (typeof latencyMs === "number") {
      this.#latency.set("*", latencyMs);
      return;
    }
    for (const [action, ms] of Object.entries(latencyMs ?? {})) {
      if (ms !== undefined) this.setLatency(action, ms);
    }
  }

  inject(fault: Ec2Fault): void {
    if (fault.count > 0) this.#faults.push({ ...fault });
  }

  /** The error for this call if a fault is pending for the action; spends one of its count. */
  take(action: string): Ec2ApiError | undefined {
    const fault = this.#faults.find((f) => f.action === action || f.action === "*");
    if (!fault) return undefined;
    fault.count -= 1;
    if (fault.count <= 0) this.#faults.splice(this.#faults.indexOf(fault), 1);
    return new Ec2ApiError(fault.code, fault.message ?? `Injected fault: ${fault.code}`, fault.status);
  }

  setLatency(action: string, ms: number): void {
    this.#latency.set(action, Math.max(0, ms));
  }

  latency(action: string): number {
    return this.#latency.get(action) ?? this.#latency.get("*") ?? 0;
  }
}
