import { describe, expect, it } from "vitest";
import { planInterruption, planRerun } from "../../../src/domain/plan-interruption.js";

const spot = { market: "spot" as const, state: "running", marked: false };

describe("planInterruption", () => {
  it.each([
    {
      name: "not ours",
      instance: undefined,
      runner: undefined,
      plan: { kind: "ignore", reason: "not-ours" },
    },
    {
      name: "on-demand",
      instance: { ...spot, market: "on-demand" as const },
      runner: undefined,
      plan: { kind: "ignore", reason: "not-spot" },
    },
    {
      name: "booting, no runner yet",
      instance: spot,
      runner: undefined,
      plan: { kind: "mark", action: "remove-and-terminate", reason: "no-runner" },
    },
    {
      name: "idle runner",
      instance: spot,
      runner: { busy: false },
      plan: { kind: "mark", action: "remove-and-terminate", reason: "idle" },
    },
    {
      name: "busy runner",
      instance: spot,
      runner: { busy: true },
      plan: { kind: "mark", action: "leave", reason: "busy" },
    },
  ])("$name → $plan.kind $plan.reason", ({ instance, runner, plan }) => {
    expect(planInterruption(instance, runner)).toEqual(plan);
  });
});

describe("planRerun", () => {
  it.each([
    { conclusion: "failure", runAttempt: 1, interrupted: true, rerun: true, reason: "interrupted" },
    { conclusion: "cancelled", runAttempt: 1, interrupted: true, rerun: true, reason: "interrupted" },
    { conclusion: "success", runAttempt: 1, interrupted: true, rerun: false, reason: "succeeded" },
    { conclusion: null, runAttempt: 1, interrupted: true, rerun: false, reason: "succeeded" },
    { conclusion: "failure", runAttempt: 2, interrupted: true, rerun: false, reason: "already-a-rerun" },
    { conclusion: "failure", runAttempt: 1, interrupted: false, rerun: false, reason: "not-interrupted" },
  ])("$conclusion, attempt $runAttempt, interrupted $interrupted → $reason", ({ rerun, reason, ...job }) => {
    expect(planRerun(job)).toEqual({ rerun, reason });
  });
});
