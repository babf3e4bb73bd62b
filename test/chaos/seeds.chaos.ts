import { describe, expect, it } from "vitest";
import { type ChaosProfile, FULL_PROFILE, SPOT_PROFILE, WARM_PROFILE } from "./profiles.js";
import { formatFailure } from "./report.js";
import { runScenario } from "./run-scenario.js";

/**
 * `npm run test:chaos`: 50 seeds of the full profile, 10 of the spot profile (interruptions, re-runs;
 * issue 14) and 10 of the warm profile (a pool with hot and stopped capacity; issue 13). Seeds are fixed
 * so a red run is reproducible with `npx tsx test/chaos/cli.ts --seed <n> --profile <name>`; change a
 * base to explore new schedules.
 */
const seeds = (base: number, count: number) => Array.from({ length: count }, (_, i) => base + i);

const SUITES: readonly [string, ChaosProfile, readonly number[]][] = [
  ["chaos: random faults under a mixed workload", FULL_PROFILE, seeds(7_000, 50)],
  ["chaos: spot interruptions (profile spot)", SPOT_PROFILE, seeds(7_100, 10)],
  ["chaos: warm capacity under faults (profile warm)", WARM_PROFILE, seeds(7_200, 10)],
];

for (const [title, profile, list] of SUITES) {
  describe(title, () => {
    it.concurrent.for(list)("seed %i settles with every invariant holding", async (seed) => {
      const result = await runScenario(seed, profile);
      console.log(
        `seed ${seed} (${profile.name}): ${result.violations.length === 0 ? "PASS" : "FAIL"}, ${result.summary}`,
      );
      expect(result.violations, formatFailure(result)).toEqual([]);
    });
  });
}
