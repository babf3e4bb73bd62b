/**
 * Nearest-rank percentile (p in 0..100) of unsorted samples, as HdrHistogram and autocannon report it:
 * the smallest sample with at least p% of the samples at or below it. Undefined for no samples.
 */
export function percentile(samples: readonly number[], p: number): number | undefined {
  if (samples.length === 0) return undefined;
  if (!(p >= 0 && p <= 100)) throw new RangeError(`percentile must be within 0..100, got ${p}`);
  const sorted = [...samples].sort((a, b) => a - b);
  const rank = Math.max(1, Math.ceil((p / 100) * sorted.length));
  return sorted[rank - 1];
}
