import { describe, expect, it } from "vitest";
import { RecheckBudget } from "../../../src/scaler/recheck-budget.js";

describe("RecheckBudget", () => {
  it.each([
    // perHour, GETs available at once, GETs after one more minute
    [1200, 120, 20],
    [3600, 360, 60],
    [60, 6, 1],
  ])("at %i GETs an hour, %i go at once and %i more a minute later", (perHour, burst, perMinute) => {
    let clock = 0;
    const budget = new RecheckBudget({ perHour, now: () => clock });
    let taken = 0;
    while (budget.tryTake(7)) taken++;
    expect(taken).toBe(burst);
    expect(budget.secondsUntilNext(7)).toBeCloseTo(3600 / perHour, 1);
    clock += 60_000;
    let more = 0;
    while (budget.tryTake(7)) more++;
    expect(more).toBe(perMinute);
  });

  it("keeps each installation's share apart", () => {
    const budget = new RecheckBudget({ perHour: 60, now: () => 0 });
    while (budget.tryTake(1));
    expect(budget.tryTake(1)).toBe(false);
    expect(budget.tryTake(2)).toBe(true);
    expect(budget.secondsUntilNext(3)).toBe(0);
  });
});
