import { describe, expect, it } from "vitest";
import { FAST_PROFILE } from "./profiles.js";
import { formatFailure } from "./report.js";
import { runScenario } from "./run-scenario.js";

/**
 * The chaos suite's short subset in `npm test`: three seeds of the gentler profile, one role killed in
 * each, run side by side (about a minute, mostly waiting on the app's timers; longer only when a
 * redelivery itself failed on a loaded machine, see settle.ts). `npm run test:chaos` runs 50 seeds of the
 * full profile.
 */
const SEEDS = [101, 102, 103];

describe("chaos, fast subset", () => {
  it.concurrent.for(SEEDS)(
    "seed %i settles with every invariant holding",
    { timeout: 600_000 },
    async (seed) => {
      const result = await runScenario(seed, FAST_PROFILE);
      expect(result.violations, formatFailure(result)).toEqual([]);
    },
  );
});
