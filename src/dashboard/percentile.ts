/**
 * Nearest-rank percentile (the smallest value with at least p% of values at or below it): every answer is
 * a value that was observed, which is what an admin reading "p90 queue time" expects.
 * https://en.wikipedia.org/wiki/Percentile#The_nearest-rank_method
 */
export function percentile(values: readonly number[], p: number): number | undefined {
  const finite = values.filter((v) => Number.isFinite(v));
  if (finite.length === 0 || !Number.isFinite(p)) return undefined;
  const sorted = [...finite].sort((a, b) => a - b);
  const clamped = Math.min(100, Math.max(0, p));
  const rank = Math.max(1, Math.ceil((clamped / 100) * sorted.length));
  return sorted[rank - 1];
}
