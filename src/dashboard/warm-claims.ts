import type { Metrics } from "../metrics.js";
import type { WarmClaims } from "./warm-levels.js";

/**
 * Warm hits and misses per pool from `mayfly_warm_claims_total` (the scaler reports `warm.claimed` with
 * result hot, stopped or miss). The counter, not the event log, because one report may stand for several
 * jobs. Per replica and since it started, like every counter: a dashboard replica that runs no scaler
 * shows zeros (Prometheus sums the replicas).
 */
export async function warmClaims(metrics: Pick<Metrics, "warmClaims"> | undefined) {
  const out = new Map<string, WarmClaims>();
  if (!metrics) return out;
  for (const { labels, value } of (await metrics.warmClaims.get()).values) {
    const pool = String(labels.pool ?? "");
    const result = labels.result;
    if (result !== "hot" && result !== "stopped" && result !== "miss") continue;
    const claims = out.get(pool) ?? { hot: 0, stopped: 0, miss: 0 };
    claims[result] += value;
    out.set(pool, claims);
  }
  return out;
}
