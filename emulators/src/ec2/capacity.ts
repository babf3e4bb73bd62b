import type { EmulatedInstance, Market } from "./model.js";
import { isLive } from "./model.js";
import type { CapacityRule } from "./options.js";

/**
 * Capacity pools per instance type × AZ × market. Unlimited unless a rule says otherwise; with several
 * matching rules the tightest wins. Only live (pending/running) instances use capacity.
 */
export class Capacity {
  #rules: CapacityRule[] = [];

  constructor(rules: readonly CapacityRule[] = []) {
    for (const rule of rules) this.set(rule);
  }

  /** Adds a rule, replacing one for the same type/AZ/market. */
  set(rule: CapacityRule): void {
    this.#rules = this.#rules.filter(
      (r) =>
        r.instanceType !== rule.instanceType ||
        r.availabilityZone !== rule.availabilityZone ||
        r.market !== rule.market,
    );
    if (Number.isFinite(rule.limit)) this.#rules.push({ ...rule });
  }

  /** How many more instances of this pool can start now. */
  available(
    pool: { instanceType: string; availabilityZone: string; market: Market },
    instances: Iterable<EmulatedInstance>,
  ): number {
    const rules = this.#rules.filter((r) => matches(r, pool));
    if (rules.length === 0) return Number.POSITIVE_INFINITY;
    const live = [...instances].filter(isLive);
    return Math.min(
      ...rules.map((rule) => Math.max(0, rule.limit - live.filter((i) => matches(rule, i)).length)),
    );
  }
}

function matches(
  rule: CapacityRule,
  pool: { instanceType: string; availabilityZone: string; market: Market },
): boolean {
  return (
    (rule.instanceType === undefined || rule.instanceType === pool.instanceType) &&
    (rule.availabilityZone === undefined || rule.availabilityZone === pool.availabilityZone) &&
    (rule.market === undefined || rule.market === pool.market)
  );
}
