import type { Pool } from "../pool-file.js";

/**
 * For a job that no pool matches: the pool it came closest to, and the labels that pool lacks, so the
 * log and the dashboard can say "did you mean mayfly-small?". Closest = fewest of the job's labels
 * missing; then fewest labels the pool has beyond the job's; then file order. `self-hosted` is implied
 * on every pool, and labels compare case-insensitively, as in matchPool.
 */
export function nearestPool(
  jobLabels: readonly string[],
  pools: readonly Pool[],
): { pool: Pool; missing: string[] } | undefined {
  const wanted = [...new Set(jobLabels.map((l) => l.toLowerCase()))];
  if (wanted.length === 0) return undefined;
  let best: { pool: Pool; missing: string[]; extra: number } | undefined;
  for (const pool of pools) {
    const has = new Set([...pool.labels.map((l) => l.toLowerCase()), "self-hosted"]);
    const missing = wanted.filter((l) => !has.has(l));
    const extra = [...has].filter((l) => !wanted.includes(l)).length;
    if (
      !best ||
      missing.length < best.missing.length ||
      (missing.length === best.missing.length && extra < best.extra)
    ) {
      best = { pool, missing, extra };
    }
  }
  return best && { pool: best.pool, missing: best.missing };
}
