import { describe, expect, it } from "vitest";
import {
  type CostedInstance,
  estimateCosts,
  hourlyPrice,
  NO_JOB,
} from "../../../src/dashboard/estimate-costs.js";

const HOUR = 3_600_000;
const prices = {
  "m7i.large": { onDemand: 0.1, spot: 0.04 },
  "c7g.large": { onDemand: 0.07 },
};

const inst = (id: string, fields: Partial<CostedInstance>): CostedInstance => ({
  instanceId: id,
  pool: "linux",
  instanceType: "m7i.large",
  market: "on-demand",
  launchedAt: 0,
  endedAt: HOUR,
  ...fields,
});

describe("hourlyPrice", () => {
  it.each([
    ["on-demand uses the on-demand price", "m7i.large", "on-demand", 0.1],
    ["spot uses the spot price", "m7i.large", "spot", 0.04],
    ["spot without a spot price falls back to on-demand (an upper bound)", "c7g.large", "spot", 0.07],
    ["an unknown type has no price", "x9.huge", "on-demand", undefined],
  ] as const)("%s", (_, type, market, expected) => {
    expect(hourlyPrice(prices, type, market)).toBe(expected);
  });
});

describe("estimateCosts", () => {
  const window = { from: 0, to: 10 * HOUR };

  it("multiplies instance hours by the market's price, per pool and per repository", () => {
    const estimate = estimateCosts(
      [
        inst("i-1", { repo: "acme/api", endedAt: 2 * HOUR }),
        inst("i-2", { repo: "acme/api", market: "spot", endedAt: 1 * HOUR }),
        inst("i-3", { repo: "acme/web", pool: "arm", instanceType: "c7g.large", endedAt: 3 * HOUR }),
        inst("i-4", { endedAt: HOUR / 2 }),
      ],
      prices,
      window,
    );
    expect(estimate).toMatchObject({ estimate: true, currency: "USD", total: 0.5 });
    expect(estimate.pools).toEqual([
      { key: "linux", instances: 3, instanceHours: 3.5, cost: 0.29, unpricedHours: 0 },
      { key: "arm", instances: 1, instanceHours: 3, cost: 0.21, unpricedHours: 0 },
    ]);
    expect(estimate.repos).toEqual([
      { key: "acme/api", instances: 2, instanceHours: 3, cost: 0.24, unpricedHours: 0 },
      { key: "acme/web", instances: 1, instanceHours: 3, cost: 0.21, unpricedHours: 0 },
      { key: NO_JOB, instances: 1, instanceHours: 0.5, cost: 0.05, unpricedHours: 0 },
    ]);
  });

  it("clips instance lifetimes to the window", () => {
    const estimate = estimateCosts(
      [
        inst("i-1", { launchedAt: -5 * HOUR, endedAt: 2 * HOUR }),
        inst("i-2", { launchedAt: 9 * HOUR, endedAt: 12 * HOUR }),
      ],
      prices,
      window,
    );
    expect(estimate.pools[0]).toMatchObject({ instances: 2, instanceHours: 3, cost: 0.3 });
  });

  it("leaves out instances wholly outside the window", () => {
    const estimate = estimateCosts([inst("i-1", { launchedAt: -3 * HOUR, endedAt: -HOUR })], prices, window);
    expect(estimate).toMatchObject({ total: 0, pools: [], repos: [] });
  });

  it("counts hours of unpriced types apart and names the types", () => {
    const estimate = estimateCosts(
      [inst("i-1", { instanceType: "x9.huge", endedAt: 2 * HOUR })],
      prices,
      window,
    );
    expect(estimate.total).toBe(0);
    expect(estimate.unpricedTypes).toEqual(["x9.huge"]);
    expect(estimate.pools[0]).toMatchObject({ instanceHours: 2, unpricedHours: 2, cost: 0 });
  });
});
