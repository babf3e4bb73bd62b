import type { Histogram } from "prom-client";

/**
 * Keeps every value an app histogram observes, so a run reports exact p50/p99 instead of bucket bounds
 * (`mayfly_launch_latency_seconds` has buckets 0.05 … 120 s). prom-client assigns `observe` per instance,
 * so wrapping it changes nothing else; the histogram still counts as before.
 */
export function tapHistogram<T extends string>(
  histogram: Histogram<T>,
): { samples: number[]; untap(): void } {
  const original = histogram.observe;
  const samples: number[] = [];
  const tapped = (...args: unknown[]) => {
    const value = args.length >= 2 ? args[1] : args[0];
    if (typeof value === "number") samples.push(value);
    return (original as (...a: unknown[]) => void).apply(histogram, args);
  };
  histogram.observe = tapped as Histogram<T>["observe"];
  return {
    samples,
    untap: () => {
      histogram.observe = original;
    },
  };
}
