import { describe, expect, it } from "vitest";
import {
  ALL_INVARIANTS,
  allowedJobsNotDenied,
  check,
  deniedJobsOnRunnersCaught,
  everyJobRanOrWasDenied,
  type Invariant,
  interruptedJobsRerunOnce,
  launchBound,
  noBusyRunnerTerminated,
  noManagedInstanceLeft,
  noMayflyRunnerLeft,
  nothingDeadLettered,
  type ObservedJob,
  type ObservedState,
  oneJobPerInstance,
  refusedJobsDenied,
  rerunsOnlyAfterInterruption,
} from "./invariants.js";

const job = (over: Partial<ObservedJob> = {}): ObservedJob => ({
  id: 1,
  status: "completed",
  conclusion: "success",
  runnerName: "mayfly-i-0123456789abcdef0",
  expect: "allow",
  note: "small",
  ...over,
});

/** A settled, healthy state: two allowed jobs ran, one denied job never ran, nothing left. */
const healthy = (): ObservedState => ({
  runnerPrefix: "mayfly-",
  jobs: [
    job({ id: 1 }),
    job({ id: 2, conclusion: "cancelled", runnerName: null }),
    job({ id: 3, status: "queued", conclusion: null, runnerName: null, expect: "deny" }),
  ],
  denials: new Map([[3, { reason: "repo-not-allowed", message: "denied: repo acme/infra" }]]),
  recordsLostInCrash: new Set(),
  caughtOnRunners: new Set(),
  instances: [
    { instanceId: "i-0123456789abcdef0", state: "terminated" },
    { instanceId: "i-0123456789abcdef1", state: "terminated" },
  ],
  runners: [{ name: "other-runner", busy: false, status: "online" }],
  busyTerminations: [],
  deadLetters: [],
  extraAllowance: {},
});

describe("chaos invariants", () => {
  it("hold for a healthy settled state", () => {
    expect(check(healthy(), ALL_INVARIANTS)).toEqual([]);
  });

  it.each<[string, Invariant, (s: ObservedState) => ObservedState]>([
    [
      "a job waiting with no denial",
      everyJobRanOrWasDenied,
      (s) => ({ ...s, jobs: [...s.jobs, job({ id: 4, status: "queued", runnerName: null })] }),
    ],
    [
      "a denial without a reason",
      everyJobRanOrWasDenied,
      (s) => ({ ...s, denials: new Map([[3, { reason: "", message: "" }]]) }),
    ],
    [
      "an allowed job denied",
      allowedJobsNotDenied,
      (s) => ({ ...s, denials: new Map([...s.denials, [1, { reason: "no-allow", message: "denied" }]]) }),
    ],
    [
      "a refused job completed undenied",
      refusedJobsDenied,
      (s) => ({ ...s, denials: new Map(), jobs: [job({ id: 3, expect: "deny" })] }),
    ],
    [
      "a denied job on a runner, unnoticed",
      deniedJobsOnRunnersCaught,
      (s) => ({ ...s, jobs: [job({ id: 3, expect: "deny" })] }),
    ],
    [
      "a running managed instance",
      noManagedInstanceLeft,
      (s) => ({ ...s, instances: [...s.instances, { instanceId: "i-0123456789abcdef2", state: "running" }] }),
    ],
    [
      "a stopped managed instance",
      noManagedInstanceLeft,
      (s) => ({ ...s, instances: [{ instanceId: "i-0123456789abcdef2", state: "stopped" }] }),
    ],
    [
      "a Mayfly runner",
      noMayflyRunnerLeft,
      (s) => ({ ...s, runners: [{ name: "mayfly-i-0123456789abcdef0", busy: false, status: "offline" }] }),
    ],
    [
      "a launch beyond the bound",
      launchBound,
      (s) => ({
        ...s,
        instances: [...s.instances, { instanceId: "i-0123456789abcdef2", state: "terminated" }],
      }),
    ],
    [
      "a busy runner terminated",
      noBusyRunnerTerminated,
      (s) => ({ ...s, busyTerminations: [{ instanceId: "i-0123456789abcdef0", jobId: 1, atMs: 5_000 }] }),
    ],
    ["a dead-lettered message", nothingDeadLettered, (s) => ({ ...s, deadLetters: ['{"kind":"scale"}'] })],
  ])("catch %s", (_name, invariant, spoil) => {
    expect(invariant(healthy())).toEqual([]);
    expect(invariant(spoil(healthy()))).toHaveLength(1);
  });

  it("accept a denial whose log line died with a SIGKILLed process", () => {
    const state = { ...healthy(), denials: new Map(), recordsLostInCrash: new Set([3]) };
    expect(check(state, [everyJobRanOrWasDenied, refusedJobsDenied])).toEqual([]);
  });

  it("take a denied job's terminated runner as proof it was caught", () => {
    const state: ObservedState = {
      ...healthy(),
      jobs: [job({ id: 3, expect: "deny", conclusion: "failure" })],
      busyTerminations: [{ instanceId: "i-0123456789abcdef0", jobId: 3, atMs: 5_000 }],
    };
    expect(check(state, [deniedJobsOnRunnersCaught, noBusyRunnerTerminated])).toEqual([]);
  });

  it("take the termination of a runner whose pool refuses the job it took as the policy at work", () => {
    const terminated = { instanceId: "i-0123456789abcdef0", jobId: 1, atMs: 5_000 };
    const admitted: ObservedState = { ...healthy(), busyTerminations: [terminated] };
    expect(check(admitted, [noBusyRunnerTerminated])).toHaveLength(1);
    const refused: ObservedState = {
      ...admitted,
      jobs: [job({ id: 1, runnerAdmits: false, conclusion: "failure" })],
    };
    expect(check(refused, [noBusyRunnerTerminated])).toEqual([]);
  });

  it("allow the extra launches the faults justify", () => {
    const state = {
      ...healthy(),
      instances: [...healthy().instances, { instanceId: "i-0123456789abcdef2", state: "terminated" }],
    };
    expect(launchBound({ ...state, extraAllowance: { "refused at bootstrap": 1 } })).toEqual([]);
  });

  it("allow one extra launch per spot interruption, and count no re-run as a job of its own", () => {
    const state: ObservedState = {
      ...healthy(),
      jobs: [
        job({ id: 1, conclusion: "failure", interruption: "cut" }),
        job({ id: 5, attempt: 2, rerunOf: 1, runnerName: "mayfly-i-0123456789abcdef2" }),
        job({ id: 2, conclusion: "cancelled", runnerName: null }),
      ],
      instances: [
        { instanceId: "i-0123456789abcdef0", state: "terminated", jobsRun: 1 },
        { instanceId: "i-0123456789abcdef1", state: "terminated" },
        { instanceId: "i-0123456789abcdef2", state: "terminated", jobsRun: 1 },
      ],
    };
    expect(check(state, [launchBound])).toHaveLength(1);
    expect(check({ ...state, extraAllowance: { "spot interruption": 1 } })).toEqual([]);
  });

  it("take a busy runner reclaimed by EC2 (a spot interruption) as not the app's doing", () => {
    const state: ObservedState = {
      ...healthy(),
      busyTerminations: [
        { instanceId: "i-0123456789abcdef0", jobId: 1, atMs: 5_000, spotInterruption: true },
      ],
    };
    expect(check(state, [noBusyRunnerTerminated])).toEqual([]);
  });

  it.each<[string, Partial<ObservedJob>[], string[]]>([
    ["a cut job with no re-run", [{ id: 1, conclusion: "failure", interruption: "cut" }], ["once"]],
    [
      "a cut job re-run twice",
      [
        { id: 1, conclusion: "failure", interruption: "cut" },
        { id: 5, attempt: 2, rerunOf: 1 },
        { id: 6, attempt: 2, rerunOf: 1 },
      ],
      ["once", "only"],
    ],
    ["a job re-run with no interruption", [{ id: 1 }, { id: 5, attempt: 2, rerunOf: 1 }], ["only"]],
    [
      "a third attempt",
      [
        { id: 1, conclusion: "failure", interruption: "cut" },
        { id: 5, attempt: 2, rerunOf: 1, conclusion: "failure", interruption: "cut" },
        { id: 6, attempt: 3, rerunOf: 1 },
      ],
      ["once", "only"],
    ],
  ])("catch %s", (_name, jobs, caught) => {
    const state: ObservedState = { ...healthy(), jobs: jobs.map((j) => job(j)), spotReruns: new Map() };
    const found = [
      ...(interruptedJobsRerunOnce(state).length > 0 ? ["once"] : []),
      ...(rerunsOnlyAfterInterruption(state).length > 0 ? ["only"] : []),
    ];
    expect(found).toEqual(caught);
  });

  it("accept a re-run cut short again only when the reaper said it stays failed", () => {
    const state: ObservedState = {
      ...healthy(),
      jobs: [
        job({ id: 1, conclusion: "failure", interruption: "cut" }),
        job({ id: 5, attempt: 2, rerunOf: 1, conclusion: "failure", interruption: "cut" }),
      ],
      spotReruns: new Map([[1, "rerun"]]),
    };
    expect(interruptedJobsRerunOnce(state)).toHaveLength(1);
    const told = { ...state, spotReruns: new Map([...state.spotReruns!, [5, "already-a-rerun"]]) };
    expect(check(told, [interruptedJobsRerunOnce, rerunsOnlyAfterInterruption])).toEqual([]);
  });

  describe("with warm capacity", () => {
    const warm = (over: Partial<ObservedState> = {}): ObservedState => ({
      ...healthy(),
      warmTarget: { hot: 1, stopped: 2 },
      instances: [
        ...healthy().instances,
        { instanceId: "i-0000000000000000a", state: "running", warm: "hot", jobsRun: 0 },
        { instanceId: "i-0000000000000000b", state: "stopped", warm: "stopped", jobsRun: 0 },
        { instanceId: "i-0000000000000000c", state: "stopped", warm: "stopped", jobsRun: 0 },
      ],
      runners: [{ name: "mayfly-i-0000000000000000a", busy: false, status: "online" }],
      extraAllowance: { "warm target": 3 },
      ...over,
    });

    it("let the warm target's idle hot runners and stopped instances remain", () => {
      expect(check(warm(), ALL_INVARIANTS)).toEqual([]);
    });

    it.each<[string, (s: ObservedState) => ObservedState, Invariant]>([
      [
        "more hot instances than the target",
        (s) => ({
          ...s,
          instances: [
            ...s.instances,
            { instanceId: "i-0000000000000000d", state: "running", warm: "hot", jobsRun: 0 },
          ],
        }),
        noManagedInstanceLeft,
      ],
      [
        "a warm instance that ran a job and remains",
        (s) => ({
          ...s,
          instances: s.instances.map((i) => (i.warm === "stopped" ? { ...i, jobsRun: 1 } : i)),
        }),
        noManagedInstanceLeft,
      ],
      [
        "a warm instance that ran two jobs",
        (s) => ({
          ...s,
          instances: [...s.instances, { instanceId: "i-0000000000000000e", state: "terminated", jobsRun: 2 }],
        }),
        oneJobPerInstance,
      ],
      [
        "a busy hot runner left",
        (s) => ({ ...s, runners: [{ name: "mayfly-i-0000000000000000a", busy: true, status: "online" }] }),
        noMayflyRunnerLeft,
      ],
      [
        "the same state without a warm target",
        (s) => ({ ...s, warmTarget: undefined }),
        noManagedInstanceLeft,
      ],
    ])("catch %s", (_name, spoil, invariant) => {
      expect(invariant(warm())).toEqual([]);
      expect(invariant(spoil(warm())).length).toBeGreaterThan(0);
    });
  });
});
