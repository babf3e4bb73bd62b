import { backoff } from "../time/backoff.js";

export interface RetryDelayOptions {
  /** The delay ceiling of the first attempt, in seconds. */
  baseSeconds: number;
  /** No delay is longer than this. */
  capSeconds: number;
  /** Uniform in [0, 1), like Math.random; injected so tests are deterministic. */
  random: () => number;
}

/**
 * The scaler's retry delay: the one `backoff` (src/time/backoff.ts) with full jitter, in whole seconds,
 * at least 1 (SQS delays take whole seconds and 0 s would retry at once). Kept as a thin wrapper so the
 * scaler's plan (src/domain/plan-scale.ts) reads in its own terms.
 */
export function retryDelaySeconds(attempt: number, options: RetryDelayOptions): number {
  return backoff(attempt, {
    base: options.baseSeconds,
    cap: options.capSeconds,
    floor: 1,
    jitter: "full",
    random: options.random,
  });
}
