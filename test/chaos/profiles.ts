/**
 * How hard a chaos run pushes. `full` is what `npm run test:chaos` runs for every seed; `spot` adds spot
 * interruptions (issue 14) and `warm` a pool with warm capacity (issue 13), each for a few seeds; `fast` is
 * the short, gentler run `npm test` includes. Times are milliseconds from the moment every role is up.
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
  /**
   * Spot interruptions while the faults run: every live spot instance is interrupted at this rate (the
   * EC2 emulator's rate rule), warned `noticeMs` before termination, sometimes after a rebalance
   * recommendation. EC2's events reach the reap queue as the stack's EventBridge rules deliver them.
   */
  spot?: { perInstanceHour: number; noticeMs: number; rebalanceFirst: number };
  /** The pool file: the sandbox's, or the variant whose `large` pool keeps warm capacity (warm-pools.ts). */
  pools?: "sandbox" | "warm";
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

/**
 * Spot interruptions at 1,800 per instance-hour of a spot instance's life (one every 2 s on average: a
 * chaos instance lives a few seconds, so most runs see several), with the notice scaled from EC2's two
 * minutes to 2 s. The app runs in real time and the jobs last 0.3–4 s, so 2 s against jobs of that
 * length is two minutes against jobs of a few minutes: some warned jobs finish, some are cut and re-run.
 * Fewer other faults than `full`, so the extra launches a run shows are mostly the interruptions'.
 * The pools' breakers (2 interruptions in 15 min) open during most runs: the rest launch on on-demand.
 */
export const SPOT_PROFILE: ChaosProfile = {
  ...FULL_PROFILE,
  name: "spot",
  faults: { min: 1, max: 4 },
  kills: { min: 0, max: 1 },
  spot: { perInstanceHour: 1_800, noticeMs: 2_000, rebalanceFirst: 0.3 },
};

/** The full profile's faults and kills over a pool file whose `large` pool keeps hot and stopped capacity. */
export const WARM_PROFILE: ChaosProfile = { ...FULL_PROFILE, name: "warm", pools: "warm" };

export const PROFILES: Readonly<Record<string, ChaosProfile>> = {
  full: FULL_PROFILE,
  fast: FAST_PROFILE,
  spot: SPOT_PROFILE,
  warm: WARM_PROFILE,
};
