export interface BackoffOptions {
  /** The delay ceiling of the first attempt. */
  base: number;
  /** No delay is longer than this. */
  cap: number;
  /** No delay is shorter than this (SQS delays take whole seconds, and 0 retries at once). */
  floor?: number;
  /**
   * `full`: uniform in [0, ceiling]; `equal`: half the ceiling fixed, half random. Both from the AWS
   * Architecture Blog, "Exponential Backoff And Jitter":
   * https://aws.amazon.com/blogs/architecture/exponential-backoff-and-jitter/
   */
  jitter: "full" | "equal";
  /** Uniform in [0, 1), like Math.random; injected so tests are deterministic. */
  random: () => number;
}

/**
 * The one backoff: exponential in `attempt` (counting from 1), capped, jittered so retrying workers
 * spread out instead of returning in step. Units are the caller's (seconds or ms); the result is rounded
 * up to a whole unit. Bad numbers (NaN, ∞, a random outside [0, 1)) are clamped, never propagated.
 */
export function backoff(attempt: number, options: BackoffOptions): number {
  const floor = Math.max(0, finiteOr(options.floor ?? 1, 1));
  const cap = Math.max(floor, Math.floor(finiteOr(options.cap, floor)));
  const base = Math.max(floor, finiteOr(options.base, floor), Number.MIN_VALUE);
  // Past 2^52 doubling adds nothing a cap could use; clamping the exponent keeps the product finite.
  const exponent = Math.min(Math.max(0, Math.floor(finiteOr(attempt, 1)) - 1), 52);
  const ceiling = Math.min(cap, base * 2 ** exponent);
  const draw = Math.min(Math.max(finiteOr(options.random(), 0), 0), 1);
  const delay = options.jitter === "full" ? draw * ceiling : ceiling / 2 + (draw * ceiling) / 2;
  return Math.min(cap, Math.max(floor, Math.ceil(delay)));
}

function finiteOr(n: number, fallback: number): number {
  return Number.isFinite(n) ? n : fallback;
}
