/**
 * The intervals a deployment gets by default (src/config.ts), instead of the sandbox's shortened test
 * settings (recheck 10 s, sweep 5 s, batch window 20 ms), so the numbers describe what users run.
 */
export const PRODUCTION_INTERVALS = {
  MAYFLY_RECHECK_INTERVAL: "60s",
  MAYFLY_SWEEP_INTERVAL: "60s",
  MAYFLY_LAUNCH_BATCH_WINDOW: "100",
} as const;
