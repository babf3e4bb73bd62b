import type { DropWebhooksRule, DuplicateWebhooksRule } from "./types.js";

/**
 * Fault switches for webhook deliveries. A rule with neither `count` nor `probability` applies to every
 * matching delivery until replaced; with `count` it is spent after that many hits; with `probability`
 * each matching delivery is hit with that chance (seeded for reproducible chaos runs).
 */

interface ActiveRule {
  remaining: number;
  probability: number;
  action: string | undefined;
  random: () => number;
}

export class DeliveryRules {
  #drop: ActiveRule | undefined;
  #duplicate: ActiveRule | undefined;

  setDrop(rule: DropWebhooksRule): void {
    this.#drop = activate(rule.count, rule.probability, rule.action, rule.seed);
  }

  setDuplicate(rule: DuplicateWebhooksRule): void {
    this.#duplicate = activate(rule.count, rule.probability, undefined, undefined);
  }

  shouldDrop(action: string | null): boolean {
    return hit(this.#drop, action);
  }

  shouldDuplicate(action: string | null): boolean {
    return hit(this.#duplicate, action);
  }
}

function activate(
  count: number | undefined,
  probability: number | undefined,
  action: string | undefined,
  seed: number | undefined,
): ActiveRule | undefined {
  if (count !== undefined && count <= 0) return undefined;
  return {
    remaining: count ?? Number.POSITIVE_INFINITY,
    probability: probability ?? 1,
    action,
    random: seed === undefined ? Math.random : mulberry32(seed),
  };
}

function hit(rule: ActiveRule | undefined, action: string | null): boolean {
  if (!rule || rule.remaining <= 0) return false;
  if (rule.action !== undefined && rule.action !== action) return false;
  if (rule.random() >= rule.probability) return false;
  rule.remaining--;
  return true;
}

/** A small seeded PRNG (public domain, by Tommy Ettinger). */
function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
