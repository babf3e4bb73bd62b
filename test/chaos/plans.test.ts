import { describe, expect, it } from "vitest";
import { planFaults } from "./fault-plan.js";
import { FAST_PROFILE, FULL_PROFILE } from "./profiles.js";
import { createRandom } from "./random.js";
import { planWorkload, poolAdmits } from "./workload.js";

describe("chaos plans", () => {
  it("are the same for the same seed, and differ across seeds", () => {
    const plan = (seed: number) => {
      const random = createRandom(seed);
      return {
        jobs: planWorkload(random.fork(), FULL_PROFILE),
        faults: planFaults(random.fork(), FULL_PROFILE),
      };
    };
    expect(plan(7_001)).toEqual(plan(7_001));
    expect(plan(7_001)).not.toEqual(plan(7_002));
  });

  it.each([FULL_PROFILE, FAST_PROFILE])(
    "keep faults and kills inside the $name profile's window",
    (profile) => {
      for (let seed = 0; seed < 200; seed++) {
        const faults = planFaults(createRandom(seed), profile);
        const kills = faults.filter((f) => f.kind === "kill");
        expect(kills.length).toBeGreaterThanOrEqual(profile.kills.min);
        for (const fault of faults) {
          expect(fault.atMs).toBeGreaterThanOrEqual(profile.faultsFromMs);
          expect(fault.atMs).toBeLessThanOrEqual(
            fault.kind === "kill" ? profile.killsUntilMs : profile.faultsUntilMs,
          );
          if ("untilMs" in fault) expect(fault.untilMs).toBeLessThanOrEqual(profile.faultsUntilMs);
        }
      }
    },
  );

  it("draw a workload inside the arrival window, with denied jobs in the mix", () => {
    const jobs = Array.from({ length: 50 }, (_, seed) =>
      planWorkload(createRandom(seed), FULL_PROFILE),
    ).flat();
    expect(jobs.every((j) => j.atMs >= 0 && j.atMs <= FULL_PROFILE.arrivalsUntilMs)).toBe(true);
    expect(new Set(jobs.map((j) => j.expect))).toEqual(new Set(["allow", "deny"]));
    expect(new Set(jobs.map((j) => j.pool))).toEqual(new Set(["small", "large", "oss"]));
    expect(jobs.some((j) => j.cancelAtMs !== undefined)).toBe(true);
  });

  it("judge a job by its selected pool as the workload expects it (the two tables agree)", () => {
    const jobs = Array.from({ length: 50 }, (_, seed) =>
      planWorkload(createRandom(seed), FULL_PROFILE),
    ).flat();
    for (const j of jobs) expect(poolAdmits(j.pool, j), j.note).toBe(j.expect === "allow");
  });
});
