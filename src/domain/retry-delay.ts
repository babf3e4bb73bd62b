export interface RetryDelayOptions {
  /** The delay ceiling of the first attempt, in seconds. */
  baseSeconds: number;
  /** No delay is longer than this. */
  capSeconds: number;
  /** Uniform in [0, 1), like Math.random; injected so tests are deterministic. */
  random: () => number;
}

/**
 * Exponential backoff with full jitter: a uniform pick in [0, min(cap, base·2^(attempt−1))], so
 * retrying workers spread out instead of returning in step (AWS Architecture Blog, "Exponential Backoff
 * And Jitter": https://aws.amazon.com/blogs/architecture/exponential-backoff-and-jitter/).
 * `attempt` counts from 1. The result is whole seconds, at least 1 and at most the cap, because SQS
 * delays and visibility timeouts take whole seconds and a 0 s delay would retry at once.
 */
export function retryDelaySeconds(attempt: number, options: RetryDelayOptions): number {
  const cap = Math.max(1, Math.floor(finiteOr(options.capSeconds, 1)));
  const base = Math.max(1, finiteOr(options.baseSeconds, 1));
  // Past 2^52 doubling adds nothing a cap could use; clamping the exponent keeps the product finite.
  const exponent = Math.min(Math.max(0, Math.floor(finiteOr(attempt, 1)) - 1), 52);
  const ceiling = Math.min(cap, base * 2 ** exponent);
  const draw = Math.min(Math.max(finiteOr(options.random(), 0), 0), 1);
  return Math.min(cap, Math.max(1, Math.ceil(draw * ceiling)));
}

function finiteOr(n: number, fallback: number): number {
  return Number.isFinite(n) ? n : fallback;
}
