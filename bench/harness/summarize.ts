import { percentile } from "./percentile.js";

export interface Summary {
  median: number;
  min: number;
  max: number;
  runs: number;
}

/**
 * A figure over repeated runs: the median run (the mean of the middle two for an even count), the best
 * and the worst. Runs that produced no value (undefined, NaN) are left out; none at all gives undefined.
 */
export function summarize(values: readonly (number | undefined)[]): Summary | undefined {
  const present = values.filter((v): v is number => v !== undefined && Number.isFinite(v));
  if (present.length === 0) return undefined;
  const sorted = [...present].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  const median = sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
  return { median, min: sorted[0]!, max: sorted[sorted.length - 1]!, runs: present.length };
}

/** p50 and p99 of one run's samples, in the samples' unit. */
export function p50p99(samples: readonly number[]): { p50?: number; p99?: number } {
  return { p50: percentile(samples, 50), p99: percentile(samples, 99) };
}
