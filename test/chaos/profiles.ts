/**
 * How hard a chaos run pushes. `full` is what `npm run test:chaos` runs for every seed; `fast` is the
 * short, gentler run `npm test` includes. Times are milliseconds from the moment every role is up.
 *
 * Faults and kills happen inside [faultsFromMs, faultsUntilMs]. The window ends before the reaper's second
 * redelivery pass (30 s after it started, MAYFLY_REDELIVER_INTERVAL's minimum) and starts after its first
 * (2 s after start; the reaper starts last), so no redelivery is itself lost to a fault: the redeliverer
 * waits 5 minutes before it retries a GUID it redelivered, and a run would have to wait that out
 * (settle.ts, docs/resilience.md).
 */
export interface ChaosProfile {
  name: string;
  jobs: { min: number; max: number };
  /** Jobs arrive inside this window. */
  arrivalsUntilMs: number;
  faultsFromMs: number;
  faultsUntilMs: number;
  faults: { min: number; max: number };
  kills: { min: number; max: number };
  /** Kills happen before this, so the killed role is back before the faults stop. */
  killsUntilMs: number;
  /** A killed role comes back after a pause in this range. */
  restartAfterMs: { min: number; max: number };
  /** Probability that a job is cancelled, and how long after it was queued. */
  cancel: { probability: number; afterMs: { min: number; max: number } };
  /** How long the system gets, once faults stop, to reach the settled state. */
  settleTimeoutMs: number;
}

export const FULL_PROFILE: ChaosProfile = {
  name: "full",
  jobs: { min: 8, max: 14 },
  arrivalsUntilMs: 20_000,
  faultsFromMs: 3_000,
  faultsUntilMs: 24_000,
  faults: { min: 5, max: 10 },
  kills: { min: 1, max: 3 },
  killsUntilMs: 12_000,
  restartAfterMs: { min: 300, max: 3_000 },
  cancel: { probability: 0.12, afterMs: { min: 0, max: 6_000 } },
  settleTimeoutMs: 150_000,
};

export const FAST_PROFILE: ChaosProfile = {
  name: "fast",
  jobs: { min: 4, max: 6 },
  arrivalsUntilMs: 6_000,
  faultsFromMs: 3_000,
  faultsUntilMs: 12_000,
  faults: { min: 2, max: 4 },
  kills: { min: 1, max: 1 },
  killsUntilMs: 6_000,
  restartAfterMs: { min: 300, max: 1_500 },
  cancel: { probability: 0, afterMs: { min: 0, max: 0 } },
  settleTimeoutMs: 100_000,
};
