import type { StateCounts } from "./state-counts.js";

export interface HistorySample extends StateCounts {
  at: number;
  /** Queue time percentiles (seconds) of jobs started in the sample's queue window, if any started. */
  queueP50?: number;
  queueP90?: number;
}

/** Runners by state over time: a ring buffer of samples (about 6 h at one sample per 10 s). */
export class RunnerHistory {
  readonly #samples: HistorySample[] = [];
  readonly #capacity: number;

  constructor(capacity: number) {
    this.#capacity = Math.max(1, Math.floor(capacity));
  }

  push(sample: HistorySample): void {
    this.#samples.push(sample);
    if (this.#samples.length > this.#capacity) this.#samples.shift();
  }

  list(since = 0): HistorySample[] {
    return this.#samples.filter((s) => s.at >= since);
  }
}
