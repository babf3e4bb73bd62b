import { percentile } from "./percentile.js";

export interface QueueStats {
  windowSeconds: number;
  jobs: number;
  p50?: number;
  p90?: number;
}

/**
 * Recent job queue times (created → started, seconds), kept here because RunnerJobs forgets a runner's job
 * once it completes. Newest last; bounded.
 */
export class QueueTimes {
  readonly #entries: Array<{ at: number; seconds: number }> = [];
  readonly #capacity: number;

  constructor(capacity = 10_000) {
    this.#capacity = capacity;
  }

  add(at: number, seconds: number): void {
    if (!Number.isFinite(seconds) || seconds < 0) return;
    this.#entries.push({ at, seconds });
    if (this.#entries.length > this.#capacity) this.#entries.shift();
  }

  stats(now: number, windowMs: number): QueueStats {
    const values = this.#entries.filter((e) => now - e.at <= windowMs).map((e) => e.seconds);
    return {
      windowSeconds: Math.round(windowMs / 1000),
      jobs: values.length,
      p50: percentile(values, 50),
      p90: percentile(values, 90),
    };
  }
}
