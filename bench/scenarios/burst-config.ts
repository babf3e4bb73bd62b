import { PRODUCTION_INTERVALS } from "../harness/production-intervals.js";

/** The burst's setup, shared by the scenario and its summary (and quoted in docs/benchmarks.md). */
export const JOB_DURATION_MS = 1_000;
/** Instance boot, pending → running; the JIT config wait dominates registration anyway. */
export const BOOT_DELAY_MS = 2_000;
/** Long boot timeout: instances wait minutes for a JIT config at GitHub's ceiling and must not be reaped. */
export const BURST_TIMEOUTS = { boot: "15m", idle: "10m", job: "10m" } as const;
/** Production intervals; the dashboard role is left out so its sampling does not count as calls per job. */
export const BURST_CONFIG = {
  ...PRODUCTION_INTERVALS,
  MAYFLY_ROLES: "webhooks,bootstrap,scaler,reaper",
  LOG_LEVEL: "warn",
} as const;
