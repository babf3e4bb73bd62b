import type { Pool, PriceTable, VolumePrices } from "../pool-file.js";
import { type CostedInstance, hourlyPrice, runHours } from "./estimate-costs.js";
import type { IdleCostLine } from "./view-rows.js";

/** AWS bills a GB-month as 730 hours (https://aws.amazon.com/ebs/pricing/). */
export const HOURS_PER_MONTH = 730;

export interface IdleCost {
  /** USD over the window: the part of the estimate warm capacity costs while it waits. */
  total: number;
  /** The rates used, USD per GiB-month by volume type (the pool file's `volumePrices`). */
  volumePrices: VolumePrices;
  pools: IdleCostLine[];
}

/**
 * What waiting warm capacity cost in the window (an ESTIMATE, like estimateCosts): hot instance hours
 * until their job × the instance's hourly price, plus stopped instances' volumes (the pool's volume size
 * and type) at the pool file's `volumePrices`; a type it does not price is priced at the gp3 rate.
 * The hot hours are also in the estimate's totals; the stopped volumes are not (it counts hours only).
 */
export function idleCost(
  instances: readonly CostedInstance[],
  pools: readonly Pool[],
  prices: PriceTable,
  window: { from: number; to: number },
  volumePrices: VolumePrices,
): IdleCost {
  const lines = new Map<string, IdleCostLine>();
  const line = (pool: string) => {
    const found = lines.get(pool) ?? {
      pool,
      hotHours: 0,
      hotCost: 0,
      stoppedInstances: 0,
      stoppedHours: 0,
      stoppedCost: 0,
    };
    lines.set(pool, found);
    return found;
  };
  for (const i of instances) {
    if (i.warm === "hot") {
      const hours = runHours(i, window, i.jobAt);
      if (hours <= 0) continue;
      const l = line(i.pool);
      l.hotHours += hours;
      l.hotCost += hours * (hourlyPrice(prices, i.instanceType, i.market) ?? 0);
    }
    if (i.stopped) {
      const hours =
        Math.max(0, Math.min(i.stopped.to, window.to) - Math.max(i.stopped.from, window.from)) / 3_600_000;
      if (hours <= 0) continue;
      const volume = pools.find((p) => p.name === i.pool)?.volume;
      const rate = (volume && volumePrices[volume.type]) ?? volumePrices.gp3;
      const l = line(i.pool);
      l.stoppedInstances += 1;
      l.stoppedHours += hours;
      l.stoppedCost += ((volume?.sizeGiB ?? 0) * hours * rate) / HOURS_PER_MONTH;
    }
  }
  const r = (n: number) => Math.round(n * 10_000) / 10_000;
  const out = [...lines.values()]
    .map((l) => ({
      ...l,
      hotHours: r(l.hotHours),
      hotCost: r(l.hotCost),
      stoppedHours: r(l.stoppedHours),
      stoppedCost: r(l.stoppedCost),
    }))
    .sort((a, b) => a.pool.localeCompare(b.pool));
  return { total: r(out.reduce((n, l) => n + l.hotCost + l.stoppedCost, 0)), volumePrices, pools: out };
}
