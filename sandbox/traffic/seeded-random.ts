/**
 * A small seeded PRNG, so a traffic schedule is reproducible from its seed: mulberry32 (a 32-bit state,
 * full period 2^32, good enough for simulation, not for secrets).
 * https://gist.github.com/tommyettinger/46a874533244883189143505d203312c
 */
export interface SeededRandom {
  /** Uniform in [0, 1). */
  next(): number;
  /** Uniform in [min, max). */
  between(min: number, max: number): number;
  /** An integer in [min, max]. */
  int(min: number, max: number): number;
  chance(probability: number): boolean;
  pick<T>(items: readonly T[]): T;
  /** An item chosen with probability proportional to its weight. */
  weighted<T extends { weight: number }>(items: readonly T[]): T;
  /** An exponential gap (Poisson arrivals) with the given mean. */
  exponential(mean: number): number;
}

export function seededRandom(seed: number): SeededRandom {
  let state = seed >>> 0;
  const next = (): number => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
  const random: SeededRandom = {
    next,
    between: (min, max) => min + next() * (max - min),
    int: (min, max) => min + Math.floor(next() * (max - min + 1)),
    chance: (probability) => next() < probability,
    pick(items) {
      if (items.length === 0) throw new RangeError("pick from an empty list");
      return items[Math.floor(next() * items.length)] as (typeof items)[number];
    },
    weighted(items) {
      const total = items.reduce((sum, item) => sum + item.weight, 0);
      let left = next() * total;
      for (const item of items) {
        left -= item.weight;
        if (left < 0) return item;
      }
      return random.pick(items);
    },
    exponential: (mean) => -mean * Math.log(1 - next()),
  };
  return random;
}

/** A seed for one part of a run (one cycle), derived from the run's seed so parts do not repeat. */
export function deriveSeed(seed: number, part: number): number {
  let h = Math.imul((seed >>> 0) ^ 0x9e3779b9, 0x85ebca6b) ^ Math.imul(part + 1, 0xc2b2ae35);
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
  return (h ^ (h >>> 16)) >>> 0;
}
