/**
 * The order in which an instant fleet tries its pools (instance type × subnet), per allocation strategy
 * (https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/ec2-fleet-allocation-strategy.html), as far as a
 * caller can observe it: which pools get the instances.
 *   spot lowest-price: cheapest pool first (EC2 Fleet's spot default).
 *   spot capacity-optimized: the pool with the most spare capacity first.
 *   spot price-capacity-optimized: among the pools that can take the whole request (or, if none can, the
 *     deepest), the cheapest; then the rest by spare capacity.
 *   *-prioritized / on-demand prioritized: by Priority, then as listed; on-demand lowest-price (its
 *     default): cheapest first.
 * Spare capacity comes from the emulator's capacity rules; unlimited pools count as deep.
 */
export const SPOT_STRATEGIES = [
  "lowest-price",
  "capacity-optimized",
  "capacity-optimized-prioritized",
  "price-capacity-optimized",
  "diversified",
] as const;
export const ON_DEMAND_STRATEGIES = ["lowest-price", "prioritized"] as const;
export type AllocationStrategy = (typeof SPOT_STRATEGIES)[number] | (typeof ON_DEMAND_STRATEGIES)[number];

export interface Candidate {
  /** Position in the request (overrides in order). */
  index: number;
  priority?: number;
  /** Per hour; undefined when the pool could not be resolved (it is tried last and reports its error). */
  price?: number;
  spare: number;
}

export function orderPools(
  strategy: AllocationStrategy,
  wanted: number,
  pools: readonly Candidate[],
): number[] {
  const byPriority = (a: Candidate, b: Candidate) =>
    (a.priority ?? Infinity) - (b.priority ?? Infinity) || a.index - b.index;
  const byPrice = (a: Candidate, b: Candidate) =>
    (a.price ?? Infinity) - (b.price ?? Infinity) || a.index - b.index;
  const bySpare = (a: Candidate, b: Candidate) => b.spare - a.spare || byPrice(a, b);
  const sorted = [...pools];
  if (strategy === "lowest-price") sorted.sort(byPrice);
  else if (strategy === "capacity-optimized") sorted.sort(bySpare);
  else if (strategy === "prioritized" || strategy === "capacity-optimized-prioritized")
    sorted.sort(byPriority);
  else if (strategy === "price-capacity-optimized") {
    const deepest = Math.max(0, ...pools.map((p) => Math.min(p.spare, wanted)));
    const deep = pools.filter((p) => deepest > 0 && Math.min(p.spare, wanted) === deepest).sort(byPrice);
    const rest = pools.filter((p) => !deep.includes(p)).sort(bySpare);
    sorted.splice(0, sorted.length, ...deep, ...rest);
  }
  return sorted.map((p) => p.index);
}

/**
 * Spot prices per hour, by "type" or "type/zone". Unknown types get a deterministic price from the name
 * (so two runs agree) that varies by zone, so lowest-price has something to choose between.
 */
export function spotPrice(
  prices: Record<string, number> | undefined,
  instanceType: string,
  zone: string,
): number {
  const known = prices?.[`${instanceType}/${zone}`] ?? prices?.[instanceType];
  if (known !== undefined) return known;
  let hash = 0;
  for (const ch of `${instanceType}/${zone}`) hash = (hash * 31 + ch.charCodeAt(0)) >>> 0;
  return 0.02 + (hash % 1000) / 10_000;
}
