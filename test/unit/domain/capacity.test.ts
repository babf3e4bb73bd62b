import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { planCapacity } from "../../../src/domain/capacity.js";

describe("planCapacity", () => {
  it.each([
    { maxRunners: 20, live: 3, requested: 2, launch: 2, wait: 0, reason: "3 live of max 20; launching 2" },
    { maxRunners: 20, live: 18, requested: 2, launch: 2, wait: 0, reason: "18 live of max 20; launching 2" },
    {
      maxRunners: 20,
      live: 19,
      requested: 3,
      launch: 1,
      wait: 2,
      reason: "19 live of max 20; launching 1, 2 wait for room",
    },
    {
      maxRunners: 20,
      live: 20,
      requested: 2,
      launch: 0,
      wait: 2,
      reason: "at capacity: 20 live of max 20; 2 wait",
    },
    {
      maxRunners: 5,
      live: 8,
      requested: 1,
      launch: 0,
      wait: 1,
      reason: "at capacity: 8 live of max 5; 1 wait",
    },
    {
      maxRunners: 5,
      live: 0,
      requested: 0,
      launch: 0,
      wait: 0,
      reason: "nothing requested (0 live of max 5)",
    },
    { maxRunners: 5, live: -2, requested: 2.9, launch: 2, wait: 0, reason: "0 live of max 5; launching 2" },
    {
      maxRunners: Number.NaN,
      live: 0,
      requested: 1,
      launch: 0,
      wait: 1,
      reason: "at capacity: 0 live of max 0; 1 wait",
    },
  ])("max $maxRunners, live $live, requested $requested → launch $launch, wait $wait", (row) => {
    const { launch, wait, reason, ...input } = row;
    expect(planCapacity(input)).toEqual({ launch, wait, reason });
  });

  it("property: never exceeds the cap, never drops a request, launches all it can", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 10_000 }),
        fc.nat(20_000),
        fc.nat(1_000),
        (maxRunners, live, requested) => {
          const { launch, wait } = planCapacity({ maxRunners, live, requested });
          expect(launch).toBeGreaterThanOrEqual(0);
          expect(wait).toBeGreaterThanOrEqual(0);
          expect(launch + wait).toBe(requested);
          expect(live + launch <= maxRunners || launch === 0).toBe(true);
          if (wait > 0) expect(live + launch).toBeGreaterThanOrEqual(maxRunners);
        },
      ),
    );
  });
});
