/**
 * Row shapes the JSON API sends and the browser client reads. Plain types with no imports, so the
 * client (src/dashboard/client/, bundled for the browser) and the server share one definition.
 */

/** A spot pool's breaker and interruptions for its dashboard row (issue 14; src/dashboard/spot-row.ts). */
export interface SpotRow {
  breaker: { state: "open"; openedAt: number; until: number } | { state: "closed" };
  /** Interruption warnings within the breaker's window, of `threshold` that open it. */
  interruptions: number;
  threshold: number;
  windowSeconds: number;
  openForSeconds: number;
  reason: string;
}

/** Launch fallbacks of a pool over the row's window, by reason. */
export interface FallbackCount {
  total: number;
  byReason: Record<string, number>;
  last?: { at: number; message: string } | undefined;
}

/** One line of the cost estimate (by pool or by repository; src/dashboard/estimate-costs.ts). */
export interface CostLine {
  key: string;
  instances: number;
  instanceHours: number;
  /** USD for the priced hours. */
  cost: number;
  /** Hours of instance types missing from the price table (not in `cost`). */
  unpricedHours: number;
}

/** What a pool's waiting warm capacity cost (src/dashboard/idle-cost.ts). */
export interface IdleCostLine {
  pool: string;
  /** Hours hot instances ran before their runner started a job (all of them, if none came). */
  hotHours: number;
  hotCost: number;
  stoppedInstances: number;
  /** Hours stopped instances waited; each bills its volume: GiB × hours × price ÷ 730. */
  stoppedHours: number;
  stoppedCost: number;
}
