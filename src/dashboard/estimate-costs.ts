import type { Market } from "../aws/fleet.js";
import type { PriceTable } from "../pool-file.js";
import type { CostLine } from "./view-rows.js";

/**
 * An ESTIMATE of what the runners cost: instance hours × the hourly price in the pool file's `prices`
 * table, the spot price for spot instances (the on-demand price when the table has no spot price, an
 * upper bound). Not a bill: it leaves out EBS volumes, data transfer, per-second billing minimums and the
 * spot price's movements. An instance counts toward the repository whose job it ran (an ephemeral runner
 * runs one job); one that never ran a job counts as NO_JOB (capacity that waited and was reaped).
 */
export interface CostedInstance {
  instanceId: string;
  pool: string;
  org?: string;
  repo?: string;
  instanceType: string;
  market: Market;
  /** Epoch ms. */
  launchedAt: number;
  /** Epoch ms: when it was last seen running (or now, for one still running). */
  endedAt: number;
  /** Earlier running spans of an instance that was stopped and started again (a claimed stopped one). */
  priorRuns?: Array<{ from: number; to: number }>;
  /** Launched as warm capacity (its `mayfly:warm` tag when first seen). */
  warm?: "hot" | "stopped";
  /** First and last time it was seen stopped: EC2 bills its volumes, not its hours. */
  stopped?: { from: number; to: number };
  /** Epoch ms: when its runner started a job. */
  jobAt?: number;
}

export interface CostEstimate {
  estimate: true;
  currency: "USD";
  from: number;
  to: number;
  total: number;
  pools: CostLine[];
  repos: CostLine[];
  unpricedTypes: string[];
}

export const NO_JOB = "(no job)";

export function hourlyPrice(prices: PriceTable, instanceType: string, market: Market): number | undefined {
  const price = Object.hasOwn(prices, instanceType) ? prices[instanceType] : undefined;
  if (!price) return undefined;
  return market === "spot" ? (price.spot ?? price.onDemand) : price.onDemand;
}

export function estimateCosts(
  instances: readonly CostedInstance[],
  prices: PriceTable,
  window: { from: number; to: number },
): CostEstimate {
  const pools = new Map<string, CostLine>();
  const repos = new Map<string, CostLine>();
  const unpriced = new Set<string>();
  let total = 0;
  for (const instance of instances) {
    const hours = runHours(instance, window);
    if (hours <= 0) continue;
    const price = hourlyPrice(prices, instance.instanceType, instance.market);
    if (price === undefined) unpriced.add(instance.instanceType);
    const cost = price === undefined ? 0 : hours * price;
    total += cost;
    for (const [lines, key] of [
      [pools, instance.pool],
      [repos, instance.repo ?? NO_JOB],
    ] as const) {
      const line = lines.get(key) ?? { key, instances: 0, instanceHours: 0, cost: 0, unpricedHours: 0 };
      line.instances += 1;
      line.instanceHours += hours;
      line.cost += cost;
      if (price === undefined) line.unpricedHours += hours;
      lines.set(key, line);
    }
  }
  const sorted = (lines: Map<string, CostLine>) =>
    [...lines.values()].map(round).sort((a, b) => b.cost - a.cost || a.key.localeCompare(b.key));
  return {
    estimate: true,
    currency: "USD",
    from: window.from,
    to: window.to,
    total: roundTo(total, 4),
    pools: sorted(pools),
    repos: sorted(repos),
    unpricedTypes: [...unpriced].sort(),
  };
}

/** Hours running inside the window, over every run of the instance. */
export function runHours(
  instance: Pick<CostedInstance, "launchedAt" | "endedAt" | "priorRuns">,
  window: { from: number; to: number },
  until = Number.POSITIVE_INFINITY,
): number {
  const runs = [...(instance.priorRuns ?? []), { from: instance.launchedAt, to: instance.endedAt }];
  let ms = 0;
  for (const run of runs)
    ms += Math.max(0, Math.min(run.to, window.to, until) - Math.max(run.from, window.from));
  return ms / 3_600_000;
}

function round(line: CostLine): CostLine {
  return {
    ...line,
    instanceHours: roundTo(line.instanceHours, 4),
    cost: roundTo(line.cost, 4),
    unpricedHours: roundTo(line.unpricedHours, 4),
  };
}

function roundTo(value: number, digits: number): number {
  const f = 10 ** digits;
  return Math.round(value * f) / f;
}
