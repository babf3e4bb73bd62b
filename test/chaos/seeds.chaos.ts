import { describe, expect, it } from "vitest";
import { FULL_PROFILE } from "./profiles.js";
import { formatFailure } from "./report.js";
import { runScenario } from "./run-scenario.js";

/**
 * `npm run test:chaos`: 50 seeds of the full profile. Seeds are fixed so a red run is reproducible with
 * `npx tsx test/chaos/cli.ts --seed <n>`; change BASE to explore new schedules.
 */
const BASE = 7_000;
const SEEDS = Array.from({ length: 50 }, (_, i) => BASE + i);

describe("chaos: random faults under a mixed workload", () => {
  it.concurrent.for(SEEDS)("seed %i settles with every invariant holding", async (seed) => {
    const result = await runScenario(seed, FULL_PROFILE);
    console.log(`seed ${seed}: ${result.violations.length === 0 ? "PASS" : "FAIL"}, ${result.summary}`);
    expect(result.violations, formatFailure(result)).toEqual([]);
  });
});
