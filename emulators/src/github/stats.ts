import type { RateLimiter } from "./rate-limiter.js";
import type { EmulatorStats } from "./types.js";

/** Call counters for benches and tests: calls per route, answers per status, JIT configs per minute. */
export class Stats {
  readonly #calls = new Map<string, number>();
  readonly #byStatus = new Map<number, number>();
  readonly #jitPerMinute: number[] = [];
  readonly #startedAt: number;
  readonly #now: () => number;

  constructor(now: () => number) {
    this.#now = now;
    this.#startedAt = now();
  }

  call(key: string): void {
    this.#calls.set(key, (this.#calls.get(key) ?? 0) + 1);
  }

  status(status: number): void {
    this.#byStatus.set(status, (this.#byStatus.get(status) ?? 0) + 1);
  }

  jitConfigCreated(): void {
    const minute = Math.floor((this.#now() - this.#startedAt) / 60_000);
    while (this.#jitPerMinute.length <= minute) this.#jitPerMinute.push(0);
    this.#jitPerMinute[minute] = (this.#jitPerMinute[minute] ?? 0) + 1;
  }

  snapshot(limiter: RateLimiter): EmulatorStats {
    return {
      calls: Object.fromEntries(this.#calls),
      byStatus: Object.fromEntries(this.#byStatus),
      primaryLimited: limiter.primaryLimited,
      secondaryLimited: limiter.secondaryLimited,
      registrationLimited: limiter.registrations.limited,
      jitConfigsPerMinute: [...this.#jitPerMinute],
    };
  }
}
