import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { type ObservedRunner, planReap, type ReapInput } from "../../../src/domain/plan-reap.js";
import { makePool } from "./make-pool.js";

const NOW = Date.parse("2025-06-01T12:00:00Z");
const PREFIX = "mayfly-";
const pools = [
  makePool({ name: "fast", timeouts: { boot: 30, idle: 30, job: 60 } }),
  makePool({ name: "slow", timeouts: { boot: 600, idle: 3600, job: 7200 } }),
];
const DEFAULTS = { boot: 300, idle: 600, job: 21_600 };
const timeoutsOf = (pool: string | undefined) => pools.find((p) => p.name === pool)?.timeouts ?? DEFAULTS;

const id = fc.integer({ min: 0, max: 11 }).map((n) => `i-${n.toString(16).padStart(4, "0")}`);
// Ages cluster around every timeout in play (and their sums) so boundaries are hit, not just skipped.
const marks = [30, 60, 120, 300, 600, 900, 3600, 5400, 7200, 11_400, 21_600, 22_500];
const age = fc.oneof(
  fc.nat(30_000 * 1000),
  fc.tuple(fc.constantFrom(...marks), fc.integer({ min: -2, max: 2 })).map(([s, d]) => s * 1000 + d),
);

const scenario = fc
  .record({
    instances: fc.uniqueArray(
      fc.record({
        instanceId: id,
        pool: fc.constantFrom("fast", "slow", "gone", undefined),
        state: fc.constantFrom(
          "pending",
          "running",
          "running",
          "shutting-down",
          "terminated",
          "stopping",
          "stopped",
        ),
        age,
      }),
      { selector: (i) => i.instanceId, maxLength: 8 },
    ),
    runners: fc.uniqueArray(
      fc.record({
        instanceId: id,
        busy: fc.boolean(),
        status: fc.constantFrom("online", "offline" as const),
      }),
      { selector: (r) => r.instanceId, maxLength: 8 },
    ),
    idle: fc.dictionary(id, age),
    job: fc.dictionary(id, age),
    registered: fc.uniqueArray(id),
  })
  .map(
    (s): ReapInput => ({
      now: NOW,
      instances: s.instances.map(({ age, ...i }) => ({ ...i, launchedAt: NOW - age })),
      runners: s.runners.map((r, n) => ({
        id: n + 1,
        name: PREFIX + r.instanceId,
        status: r.status,
        busy: r.busy,
      })),
      pools,
      runnerPrefix: PREFIX,
      idleSince: new Map(Object.entries(s.idle).map(([k, v]) => [PREFIX + k, NOW - v])),
      jobStartedAt: new Map(Object.entries(s.job).map(([k, v]) => [PREFIX + k, NOW - v])),
      registered: new Set(s.registered),
    }),
  );

describe("planReap properties", () => {
  it("never touches a busy runner's instance unless its job is past J or the instance past B+I+J", () => {
    fc.assert(
      fc.property(scenario, (input) => {
        const runnerOf = (instanceId: string) => input.runners.find((r) => r.name === PREFIX + instanceId);
        for (const action of planReap(input)) {
          if (action.instanceId === undefined) {
            // A runner with no live instance: removed only if idle or offline, or if no instance of ours
            // ever had its name (a rogue: removed at once; GitHub refuses while busy, the sweep retries).
            const r = input.runners.find((x) => x.id === action.runnerId) as ObservedRunner;
            if (action.reason === "rogue-runner") expect(r.status).toBe("online");
            else expect(r.busy && r.status === "online").toBe(false);
            continue;
          }
          const runner = runnerOf(action.instanceId);
          if (!runner?.busy) continue;
          const instance = input.instances.find((i) => i.instanceId === action.instanceId)!;
          const t = timeoutsOf(instance.pool);
          const jobAge = NOW - (input.jobStartedAt.get(runner.name) ?? instance.launchedAt);
          const instanceAge = NOW - instance.launchedAt;
          expect(jobAge > t.job * 1000 || instanceAge > (t.boot + t.idle + t.job) * 1000).toBe(true);
          expect(action.kind).toBe("terminate");
        }
      }),
      { numRuns: 1000 },
    );
  });

  it("leaves nothing forever: every pending/running/stopped instance past B+I+J gets an action", () => {
    fc.assert(
      fc.property(scenario, (input) => {
        const touched = new Set(planReap(input).map((a) => a.instanceId));
        for (const i of input.instances) {
          if (i.state === "shutting-down" || i.state === "terminated") continue;
          const t = timeoutsOf(i.pool);
          if (NOW - i.launchedAt > (t.boot + t.idle + t.job) * 1000)
            expect(touched.has(i.instanceId)).toBe(true);
        }
      }),
    );
  });

  it("acts at most once per instance and per runner, and never on instances already going away", () => {
    fc.assert(
      fc.property(scenario, (input) => {
        const actions = planReap(input);
        const instanceIds = actions.flatMap((a) => (a.instanceId ? [a.instanceId] : []));
        const runnerIds = actions.flatMap((a) => (a.runnerId !== undefined ? [a.runnerId] : []));
        expect(new Set(instanceIds).size).toBe(instanceIds.length);
        expect(new Set(runnerIds).size).toBe(runnerIds.length);
        const gone = new Set(
          input.instances
            .filter((i) => i.state === "shutting-down" || i.state === "terminated")
            .map((i) => i.instanceId),
        );
        expect(instanceIds.filter((i) => gone.has(i))).toEqual([]);
      }),
    );
  });

  it("is deterministic: input order does not change the plan", () => {
    fc.assert(
      fc.property(scenario, fc.nat(), (input, seed) => {
        const shuffle = <T>(xs: readonly T[]) =>
          xs
            .map((x, i) => ({ x, k: (i * 7919 + seed) % 104_729 }))
            .sort((a, b) => a.k - b.k)
            .map((e) => e.x);
        const shuffled = { ...input, instances: shuffle(input.instances), runners: shuffle(input.runners) };
        expect(planReap(shuffled)).toStrictEqual(planReap(input));
      }),
    );
  });
});
