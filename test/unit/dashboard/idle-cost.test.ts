import { describe, expect, it } from "vitest";
import type { CostedInstance } from "../../../src/dashboard/estimate-costs.js";
import { estimateCosts } from "../../../src/dashboard/estimate-costs.js";
import { idleCost } from "../../../src/dashboard/idle-cost.js";
import { InstanceLedger } from "../../../src/dashboard/instance-ledger.js";
import { makePool } from "../domain/make-pool.js";
import { instance, observation } from "./fixtures.js";

const H = 3_600_000;
const WINDOW = { from: 0, to: 24 * H };
const PRICES = { "m7i.large": { onDemand: 0.1008 } };
/** gp3 in us-east-1 (https://aws.amazon.com/ebs/pricing/), the pool file's default. */
const GP3 = 0.08;
const VOLUMES = { gp3: GP3 };
const POOLS = [makePool({ name: "linux", volume: { deviceName: "/dev/xvda", sizeGiB: 30, type: "gp3" } })];

const costed = (over: Partial<CostedInstance>): CostedInstance => ({
  instanceId: "i-1",
  pool: "linux",
  instanceType: "m7i.large",
  market: "on-demand",
  launchedAt: 0,
  endedAt: 0,
  ...over,
});

describe("idleCost", () => {
  it.each([
    [
      "a hot runner that never got a job: all its hours",
      costed({ warm: "hot", endedAt: 10 * H }),
      10,
      1.008,
      0,
    ],
    [
      "a hot runner that got a job after 2 h: those 2 h",
      costed({ warm: "hot", endedAt: 10 * H, jobAt: 2 * H }),
      2,
      0.2016,
      0,
    ],
    ["a cold runner: nothing", costed({ endedAt: 10 * H }), 0, 0, 0],
    [
      "a stopped instance for 730 h would bill one GiB-month per GiB; 24 h of 30 GiB here",
      costed({ warm: "stopped", stopped: { from: 0, to: 24 * H } }),
      0,
      0,
      (30 * 24 * GP3) / 730,
    ],
    [
      "a stopped span outside the window: nothing",
      costed({ warm: "stopped", stopped: { from: 30 * H, to: 40 * H } }),
      0,
      0,
      0,
    ],
  ])("%s", (_, i, hotHours, hotCost, stoppedCost) => {
    const idle = idleCost([i], POOLS, PRICES, WINDOW, VOLUMES);
    const line = idle.pools[0];
    expect(line?.hotHours ?? 0).toBeCloseTo(hotHours, 4);
    expect(line?.hotCost ?? 0).toBeCloseTo(hotCost, 4);
    expect(line?.stoppedCost ?? 0).toBeCloseTo(stoppedCost, 4);
    expect(idle.total).toBeCloseTo(hotCost + stoppedCost, 4);
  });

  it("works the docs' example: 2 hot m7i.large × 10 office hours, 4 stopped with 30 GiB gp3, one day", () => {
    const hot = [1, 2].map((n) =>
      costed({ instanceId: `i-h${n}`, warm: "hot", launchedAt: 8 * H, endedAt: 18 * H }),
    );
    const stopped = [1, 2, 3, 4].map((n) =>
      costed({ instanceId: `i-s${n}`, warm: "stopped", stopped: { from: 0, to: 24 * H } }),
    );
    const idle = idleCost([...hot, ...stopped], POOLS, PRICES, WINDOW, VOLUMES);
    // 2 × 10 h × $0.1008 = $2.016; 4 × 30 GiB × 24 h × $0.08 / 730 h = $0.3156.
    expect(idle.pools).toEqual([
      {
        pool: "linux",
        hotHours: 20,
        hotCost: 2.016,
        stoppedInstances: 4,
        stoppedHours: 96,
        stoppedCost: 0.3156,
      },
    ]);
    expect(idle.total).toBeCloseTo(2.3316, 4);
  });

  const stoppedDay = costed({ warm: "stopped", stopped: { from: 0, to: 730 * H } });
  const poolWith = (type: "gp3" | "gp2" | "io2") => [
    makePool({ name: "linux", volume: { deviceName: "/dev/xvda", sizeGiB: 100, type } }),
  ];
  it.each([
    ["the pool file's gp3 rate for a gp3 volume", "gp3", { gp3: 0.0952 }, 9.52],
    ["its own type's rate when the pool file has one", "gp2", { gp3: 0.08, gp2: 0.1 }, 10],
    ["the gp3 rate for a type the pool file does not price", "io2", { gp3: 0.08, gp2: 0.1 }, 8],
  ] as const)("a 100 GiB volume stopped a month: %s", (_, type, rates, cost) => {
    const idle = idleCost([stoppedDay], poolWith(type), PRICES, { from: 0, to: 730 * H }, rates);
    expect(idle.pools[0]?.stoppedCost).toBeCloseTo(cost, 4);
    expect(idle.volumePrices).toEqual(rates);
  });
});

describe("InstanceLedger with warm capacity", () => {
  it("bills a stopped instance no instance hours, and a started one from its new start", () => {
    const ledger = new InstanceLedger();
    const base = instance("i-s", { launchedAt: 0, state: "stopped" });
    const tagged = { ...base, tags: { ...base.tags, "mayfly:warm": "stopped" } };
    ledger.observe(observation([tagged], [], 1 * H));
    ledger.observe(observation([tagged], [], 5 * H));
    // Claimed: untagged, started at 5 h (LaunchTime moves), runs 1 h.
    const started = { ...base, state: "running" as const, launchedAt: 5 * H };
    ledger.observe(observation([started], [], 6 * H));
    const [entry] = ledger.entries();
    expect(entry).toMatchObject({ warm: "stopped", stopped: { from: 1 * H, to: 5 * H }, launchedAt: 5 * H });
    expect(estimateCosts(ledger.entries(), PRICES, WINDOW).pools[0]?.instanceHours).toBeCloseTo(1, 4);
  });

  it("keeps the earlier run of an instance started again", () => {
    const ledger = new InstanceLedger();
    ledger.observe(observation([instance("i-1", { launchedAt: 0 })], [], 2 * H));
    ledger.observe(observation([instance("i-1", { state: "stopped", launchedAt: 0 })], [], 3 * H));
    ledger.observe(observation([instance("i-1", { launchedAt: 4 * H })], [], 7 * H));
    expect(estimateCosts(ledger.entries(), PRICES, WINDOW).pools[0]?.instanceHours).toBeCloseTo(5, 4);
  });

  it("records when a hot runner's job started, once", () => {
    const ledger = new InstanceLedger();
    const base = instance("i-h");
    ledger.observe(observation([{ ...base, tags: { ...base.tags, "mayfly:warm": "hot" } }], [], H));
    ledger.noteJob("i-h", "acme/api", 2 * H);
    ledger.noteJob("i-h", "acme/api", 3 * H);
    expect(ledger.entries()[0]).toMatchObject({ warm: "hot", jobAt: 2 * H, repo: "acme/api" });
  });
});
