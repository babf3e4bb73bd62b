import { Histogram, Registry } from "prom-client";
import { describe, expect, it } from "vitest";
import { tapHistogram } from "../../../bench/harness/tap-histogram.js";

describe("tapHistogram", () => {
  const histogram = () =>
    new Histogram({
      name: "h",
      help: "h",
      labelNames: ["pool"] as const,
      buckets: [1, 10],
      registers: [new Registry()],
    });

  it("keeps every observed value, with or without labels, and the histogram still counts", async () => {
    const h = histogram();
    const tap = tapHistogram(h);
    h.observe(0.5);
    h.observe({ pool: "small" }, 7);
    h.observe({ pool: "large" }, 12);
    expect(tap.samples).toEqual([0.5, 7, 12]);
    const { values } = await h.get();
    const count = values.filter((v) => v.metricName === "h_count").reduce((n, v) => n + v.value, 0);
    expect(count).toBe(3);
  });

  it("stops keeping values once untapped", () => {
    const h = histogram();
    const tap = tapHistogram(h);
    h.observe(1);
    tap.untap();
    h.observe(2);
    expect(tap.samples).toEqual([1]);
  });
});
