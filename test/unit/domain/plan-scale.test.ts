import { describe, expect, it } from "vitest";
import {
  planAfterLaunch,
  planLaunchFailure,
  planScale,
  type ScaleFacts,
} from "../../../src/domain/plan-scale.js";
import {
  CapacityError,
  LaunchConfigError,
  LaunchTokenReusedError,
  QuotaError,
  ThrottledError,
  UnavailableError,
} from "../../../src/errors.js";

const NOW = 10_000_000;
const young = NOW - 20_000; // queued 20 s ago
const old = NOW - 400_000; // queued 400 s ago: past SQS's 5-minute dedup window

/** A first delivery of a young job with room, budgets and no launches yet; rows change what they are about. */
function facts(overrides: Partial<ScaleFacts> = {}): ScaleFacts {
  return {
    now: NOW,
    jobCreatedAt: young,
    receiveCount: 1,
    launches: 0,
    awaitingConfig: 0,
    maxLaunches: 3,
    room: true,
    enrolment: true,
    rechecks: { available: true, secondsUntilNext: 0 },
    checkJobQueued: true,
    recheckIntervalSeconds: 10,
    jitter: 0.5,
    ...overrides,
  };
}
const spent = { available: false, secondsUntilNext: 60 };

describe("planScale", () => {
  it.each<[string, Partial<ScaleFacts>, string, RegExp]>([
    // First deliveries
    ["a young job's first delivery launches unasked", {}, "launch", /launch 1 of at most 3/],
    ["at the pool's max it waits, asking nobody", { room: false }, "at-cap", /pool at max runners/],
    ["without enrolment capacity it waits", { enrolment: false }, "retry", /enrolment capacity/],
    // Late duplicate (issue 10 finding 10): past the dedup window SQS cannot collapse a redelivered webhook
    ["a late first delivery asks GitHub first", { jobCreatedAt: old }, "ask-github", /past the dedup window/],
    [
      "a late duplicate of a job EC2 shows launched for asks before anything else",
      { jobCreatedAt: old, launches: 1, room: false },
      "ask-github",
      /1 launch\(es\) so far/,
    ],
    [
      "a late duplicate whose job started is acked",
      { jobCreatedAt: old, launches: 1, job: { status: "in_progress" } },
      "ack",
      /in progress/,
    ],
    [
      "a late duplicate whose job completed is acked",
      { jobCreatedAt: old, job: { status: "completed" } },
      "ack",
      /completed/,
    ],
    [
      "a late duplicate that EC2 shows launched for is not relaunched with the budget spent",
      { jobCreatedAt: old, launches: 1, rechecks: spent },
      "retry",
      /recheck budget spent/,
    ],
    [
      "a late first delivery never launched for launches unasked with the budget spent",
      { jobCreatedAt: old, rechecks: spent },
      "launch",
      /launch 1/,
    ],
    [
      "the check is off: a late delivery launches unasked",
      { jobCreatedAt: old, checkJobQueued: false },
      "launch",
      /launch 1/,
    ],
    // Redeliveries
    [
      "a redelivery never launched for waits at the cap before asking",
      { receiveCount: 2, room: false },
      "at-cap",
      /max/,
    ],
    [
      "a redelivery never launched for asks once there is room",
      { receiveCount: 2 },
      "ask-github",
      /redelivered/,
    ],
    ["a redelivery launched for asks first", { receiveCount: 2, launches: 1 }, "ask-github", /still queued/],
    [
      "a recheck while the job's instance waits for its config asks nobody",
      { receiveCount: 2, launches: 1, awaitingConfig: 1 },
      "retry",
      /1 instance\(s\) still waiting for a config/,
    ],
    [
      "a late duplicate whose instance waits for its config is not relaunched and asks nobody",
      { jobCreatedAt: old, launches: 1, awaitingConfig: 1, room: true },
      "retry",
      /waiting for a config/,
    ],
    [
      "a recheck once the instance enrolled (or is gone) asks GitHub",
      { receiveCount: 3, launches: 1, awaitingConfig: 0 },
      "ask-github",
      /still queued/,
    ],
    [
      "its instance took another job, but the pool's others still wait for configs: asks nobody",
      { receiveCount: 3, launches: 1, awaitingConfig: 0, poolAwaitingConfig: 4 },
      "retry",
      /4 instance\(s\) of the pool still waiting for a config/,
    ],
    [
      "none of the pool's instances waits any more: asks GitHub",
      { receiveCount: 3, launches: 1, awaitingConfig: 0, poolAwaitingConfig: 0 },
      "ask-github",
      /still queued/,
    ],
    [
      "its job still queued: are spare runners left?",
      { receiveCount: 2, launches: 1, job: { status: "queued" } },
      "count-spare",
      /spare runner/,
    ],
    [
      "a spare runner will take it: look again later",
      { receiveCount: 2, launches: 1, job: { status: "queued", spare: 1 } },
      "retry",
      /1 spare runner/,
    ],
    [
      "no spare runner left: launch again",
      { receiveCount: 2, launches: 1, job: { status: "queued", spare: 0 } },
      "launch",
      /launch 2 of at most 3/,
    ],
    [
      "a job never launched for and still queued launches",
      { receiveCount: 2, job: { status: "queued" } },
      "launch",
      /launch 1/,
    ],
    [
      "a job awaiting approval is looked at later",
      { receiveCount: 2, job: { status: "waiting" } },
      "retry",
      /not yet runnable/,
    ],
    ["a deleted run is acked", { receiveCount: 2, job: { status: "missing" } }, "ack", /no longer exists/],
    // The bound (issue 10 finding 9)
    [
      "the third launch is still allowed",
      { receiveCount: 5, launches: 2, job: { status: "queued", spare: 0 } },
      "launch",
      /launch 3 of at most 3/,
    ],
    [
      "after the last allowed launch the job is given up",
      { receiveCount: 6, launches: 3, job: { status: "queued", spare: 0 } },
      "give-up",
      /no runner after 3 launch\(es\) \(at most 3 per job\)/,
    ],
    [
      "a pool's own bound counts",
      { receiveCount: 3, launches: 1, maxLaunches: 1, job: { status: "queued", spare: 0 } },
      "give-up",
      /at most 1 per job/,
    ],
    [
      "at the bound with the check off it gives up unasked",
      { receiveCount: 4, launches: 3, checkJobQueued: false },
      "give-up",
      /3 launch/,
    ],
    [
      "at the bound a job that started is still acked, not given up",
      { receiveCount: 6, launches: 3, job: { status: "in_progress" } },
      "ack",
      /in progress/,
    ],
    [
      "at the bound a booting last instance is waited for",
      { receiveCount: 6, launches: 3, job: { status: "queued", spare: 1 } },
      "retry",
      /spare/,
    ],
    // The recheck budget
    [
      "with the budget spent a launched job is looked at later",
      { receiveCount: 2, launches: 1, rechecks: spent },
      "retry",
      /recheck budget spent/,
    ],
    [
      "with the budget spent a never-launched job launches unasked",
      { receiveCount: 2, rechecks: spent },
      "launch",
      /launch 1/,
    ],
  ])("%s", (_, overrides, kind, reason) => {
    const plan = planScale(facts(overrides));
    expect(plan.kind).toBe(kind);
    expect(plan.reason).toMatch(reason);
  });

  it("waits for the next GET, with jitter, when the budget is spent", () => {
    const plan = planScale(facts({ receiveCount: 2, launches: 1, rechecks: spent, jitter: 0.5 }));
    expect(plan).toMatchObject({ kind: "retry", afterSeconds: 90 });
  });

  it("rechecks an old job less often: a quarter of its age, at most 15 minutes", () => {
    const waiting = { receiveCount: 2, job: { status: "waiting" as const } };
    expect(planScale(facts({ ...waiting, jobCreatedAt: NOW - 400_000 }))).toMatchObject({
      afterSeconds: 100,
    });
    expect(planScale(facts({ ...waiting, jobCreatedAt: NOW - 36_000_000 }))).toMatchObject({
      afterSeconds: 900,
    });
  });

  it("decides alike for any replica: the same facts give the same plan", () => {
    const f = facts({ receiveCount: 3, launches: 2, job: { status: "queued", spare: 0 } });
    expect(planScale(structuredClone(f))).toEqual(planScale(structuredClone(f)));
  });
});

describe("planScale: warm capacity first (issue 13)", () => {
  const hot = (n: number) => ({ warm: { hot: n, stopped: 0 } });
  const stopped = (n: number) => ({ warm: { hot: 0, stopped: n } });
  it.each<[string, Partial<ScaleFacts>, string, RegExp]>([
    ["an idle hot runner takes a first delivery: nothing to launch", hot(1), "hot", /1 idle hot runner/],
    ["hot needs no room: the runner exists", { ...hot(2), room: false }, "hot", /2 idle hot/],
    ["hot needs no enrolment budget", { ...hot(1), enrolment: false }, "hot", /idle hot/],
    ["hot comes before stopped", { warm: { hot: 1, stopped: 3 } }, "hot", /idle hot/],
    ["no idle hot runner and a stopped one: start it", stopped(2), "claim-stopped", /2 ready.*launch 1 of/],
    ["no warm capacity: cold", { warm: { hot: 0, stopped: 0 } }, "launch", /launch 1 of at most 3/],
    ["a stopped start needs room", { ...stopped(1), room: false }, "at-cap", /max runners/],
    ["a stopped start needs enrolment budget", { ...stopped(1), enrolment: false }, "retry", /enrolment/],
    // A job still queued on its hot recheck lost that runner to another job: it is launched for.
    [
      "a hot job's recheck, still queued, is launched for (stopped first)",
      { warm: { hot: 1, stopped: 1 }, receiveCount: 2, job: { status: "queued" } },
      "claim-stopped",
      /start a stopped instance/,
    ],
    [
      "a hot job's recheck, still queued, no stopped left: cold",
      { ...hot(1), receiveCount: 2, job: { status: "queued" } },
      "launch",
      /launch 1/,
    ],
    [
      "a hot job that started is acked",
      { ...hot(1), receiveCount: 2, job: { status: "in_progress" } },
      "ack",
      /in progress/,
    ],
    [
      "a job already launched for is never handed to hot",
      { ...hot(1), receiveCount: 2, launches: 1, job: { status: "queued", spare: 0 } },
      "launch",
      /launch 2/,
    ],
    [
      "a launch limit still binds stopped starts",
      { ...stopped(1), launches: 3, receiveCount: 2, job: { status: "queued", spare: 0 } },
      "give-up",
      /at most 3/,
    ],
  ])("%s", (_, overrides, kind, reason) => {
    const plan = planScale(facts(overrides));
    expect(plan.kind).toBe(kind);
    expect(plan.reason).toMatch(reason);
  });

  it("a hot hand-off comes back after a short recheck, or is trusted when GitHub is not checked", () => {
    expect(planScale(facts({ ...hot(1), jitter: 0.5 }))).toMatchObject({ kind: "hot", afterSeconds: 8 });
    expect(planScale(facts({ ...hot(1), checkJobQueued: false }))).toEqual({
      kind: "hot",
      reason: expect.stringMatching(/idle hot/),
    });
  });
});

describe("planAfterLaunch", () => {
  it.each([
    [true, "retry", /recheck that the job started/],
    [false, "ack", /launched/],
  ] as const)("checkJobQueued %s → %s", (checkJobQueued, kind, reason) => {
    const plan = planAfterLaunch(facts({ checkJobQueued }));
    expect(plan.kind).toBe(kind);
    expect(plan.reason).toMatch(reason);
  });
});

describe("planLaunchFailure", () => {
  it.each<[Error, string, RegExp]>([
    [new LaunchTokenReusedError("EC2 IdempotentParameterMismatch"), "retry", /token reused/],
    [
      new LaunchConfigError("bad AMI", "InvalidAMIID.NotFound"),
      "dead-letter",
      /launch configuration error: bad AMI/,
    ],
    [new ThrottledError("slow down", 120_000), "retry", /throttled/],
    [new CapacityError("none", "InsufficientInstanceCapacity"), "retry", /CapacityError/],
    [new QuotaError("vcpu", "VcpuLimitExceeded"), "retry", /QuotaError/],
    [new UnavailableError("down"), "retry", /UnavailableError/],
  ])("%s", (error, kind, reason) => {
    const plan = planLaunchFailure(error, 2, 0.5);
    expect(plan.kind).toBe(kind);
    expect(plan.reason).toMatch(reason);
  });

  it("a throttle's hint is a floor", () => {
    expect(planLaunchFailure(new ThrottledError("slow", 120_000), 1, 0)).toMatchObject({ afterSeconds: 120 });
  });
});
