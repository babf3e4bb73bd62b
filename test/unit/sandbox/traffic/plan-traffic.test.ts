import { describe, expect, it } from "vitest";
import { SANDBOX_POOLS_YAML, SANDBOX_REPOS } from "../../../../sandbox/sandbox-pools.js";
import { JOB_KINDS, JOB_MIX, SMALL_POOL_SPOT_TYPES } from "../../../../sandbox/traffic/job-mix.js";
import { planTraffic, type TrafficAction } from "../../../../sandbox/traffic/plan-traffic.js";
import { evaluatePolicy } from "../../../../src/domain/evaluate-policy.js";
import { matchPool } from "../../../../src/domain/match-pool.js";
import { parsePoolFile } from "../../../../src/pool-file.js";

type Enqueue = Extract<TrafficAction, { kind: "enqueue" }>;
const enqueues = (actions: TrafficAction[]) => actions.filter((a): a is Enqueue => a.kind === "enqueue");
const CYCLE = 120_000;

describe("planTraffic", () => {
  it("is a function of the seed and the cycle", () => {
    const a = planTraffic({ seed: 7 }, 3);
    expect(planTraffic({ seed: 7 }, 3)).toEqual(a);
    expect(planTraffic({ seed: 8 }, 3)).not.toEqual(a);
    expect(planTraffic({ seed: 7 }, 4)).not.toEqual(a);
  });

  it("orders actions by time, starting with a job at once", () => {
    const actions = planTraffic({ seed: 1 });
    expect(actions.map((a) => a.atMs)).toEqual([...actions.map((a) => a.atMs)].sort((x, y) => x - y));
    expect(actions[0]).toMatchObject({ atMs: 0, kind: "enqueue" });
    for (const a of actions) expect(a.atMs).toBeGreaterThanOrEqual(0);
  });

  it.each([1, 2, 3, 42, 1234])("seed %i: every cycle shows each case the dashboard explains", (seed) => {
    const actions = planTraffic({ seed });
    const jobs = enqueues(actions);
    const kinds = new Set(jobs.map((j) => j.jobKind));
    expect([...kinds]).toEqual(
      expect.arrayContaining(["small", "unclaimed", "denied-public-repo", "denied-fork", "denied-repo"]),
    );
    const fork = jobs.find((j) => j.jobKind === "denied-fork");
    expect(fork?.job).toMatchObject({ repo: "sdk", fromFork: true });
    expect(jobs.find((j) => j.jobKind === "denied-public-repo")?.job.repo).toBe("docs");

    const cancels = actions.filter((a) => a.kind === "cancel");
    const cancelled = cancels.map((cancel) => {
      const target = jobs.find((j) => j.ref === cancel.ref);
      expect(cancel.atMs).toBeGreaterThanOrEqual(target?.atMs ?? Infinity);
      return { expected: target?.expected, after: cancel.atMs - (target?.atMs ?? 0) };
    });
    // Authors cancel some runnable jobs while they wait or run, and give up on every job no runner takes.
    const runnable = cancelled.filter((c) => c.expected === "runs");
    expect(runnable.length).toBeGreaterThanOrEqual(1);
    const longest = 20_000 * Math.max(...JOB_KINDS.map((k) => JOB_MIX[k].durationFactor));
    for (const c of runnable) expect(c.after).toBeLessThanOrEqual(longest);
    const stuck = jobs.filter((j) => j.expected !== "runs");
    expect(cancelled.filter((c) => c.expected !== "runs")).toEqual(
      stuck.map(() => ({ expected: expect.any(String), after: 60_000 })),
    );
  });

  it("plays a matrix burst: burstSize jobs of one repo and pool within a second", () => {
    const burst = enqueues(planTraffic({ seed: 5, ratePerMinute: 0, burstSize: 9 })).filter((j) =>
      j.job.jobName?.startsWith("test (shard"),
    );
    expect(burst).toHaveLength(9);
    expect(new Set(burst.map((j) => j.job.repo)).size).toBe(1);
    expect(new Set(burst.map((j) => j.jobKind)).size).toBe(1);
    const times = burst.map((j) => j.atMs);
    expect(Math.max(...times) - Math.min(...times)).toBeLessThanOrEqual(1_000);
    expect(Math.min(...times)).toBeGreaterThanOrEqual(0.25 * CYCLE);
  });

  it("takes the small pool's spot capacity away and gives it back, with a small job in between", () => {
    const actions = planTraffic({ seed: 9, ratePerMinute: 0 });
    const capacity = actions.filter((a) => a.kind === "capacity");
    expect(capacity.map((c) => [c.atMs, c.rules])).toEqual([
      [
        0.35 * CYCLE,
        SMALL_POOL_SPOT_TYPES.map((instanceType) => ({ market: "spot", instanceType, limit: 0 })),
      ],
      [
        0.65 * CYCLE,
        SMALL_POOL_SPOT_TYPES.map((instanceType) => ({ market: "spot", instanceType, limit: Infinity })),
      ],
    ]);
    const during = enqueues(actions).filter((j) => j.atMs > 0.35 * CYCLE && j.atMs < 0.65 * CYCLE);
    expect(during.map((j) => j.jobKind)).toContain("small");
  });

  it.each([
    { spotInterruption: undefined, expected: [] },
    { spotInterruption: true, expected: [[0.3 * CYCLE, "small"]] },
  ])("interrupts a small-pool spot instance once a cycle only when asked ($spotInterruption)", (row) => {
    const actions = planTraffic({ seed: 9, ratePerMinute: 0, spotInterruption: row.spotInterruption });
    const interrupts = actions.filter((a) => a.kind === "interrupt");
    expect(interrupts.map((a) => [a.atMs, a.pool])).toEqual(row.expected);
  });

  it("leaves only the background when the script's burst and outage are off", () => {
    const actions = planTraffic({ seed: 4, ratePerMinute: 0, burstSize: 0, spotOutage: false });
    expect(actions.filter((a) => a.kind === "capacity")).toEqual([]);
    // The four showcase jobs and the cancelled one; five cancels: the author's and four given up on.
    expect(enqueues(actions)).toHaveLength(5);
    expect(actions.filter((a) => a.kind === "cancel")).toHaveLength(5);
  });

  it("sends background jobs at about ratePerMinute", () => {
    const script = enqueues(planTraffic({ seed: 0, ratePerMinute: 0 })).length;
    let background = 0;
    for (let cycle = 0; cycle < 30; cycle++)
      background += enqueues(planTraffic({ seed: 11, ratePerMinute: 20 }, cycle)).length - script;
    // 30 cycles × 2 minutes × 20 a minute = 1,200 expected; Poisson noise is ~3 %.
    expect(background).toBeGreaterThan(1_100);
    expect(background).toBeLessThan(1_300);
  });

  it("keeps run times inside the configured range times the kind's factor", () => {
    const range = { min: 1_000, max: 2_000 };
    for (const { jobKind, job } of enqueues(
      planTraffic({ seed: 3, ratePerMinute: 60, jobDurationMs: range }),
    )) {
      const factor = JOB_MIX[jobKind].durationFactor;
      expect(job.durationMs).toBeGreaterThanOrEqual(Math.floor(range.min * factor));
      expect(job.durationMs).toBeLessThanOrEqual(Math.ceil(range.max * factor));
    }
  });

  it.each([
    [{ cycleMs: 0 }],
    [{ ratePerMinute: -1 }],
    [{ jobDurationMs: { min: 5, max: 1 } }],
    [{ abandonAfterMs: -1 }],
  ])("refuses %j", (bad) => {
    expect(() => planTraffic({ seed: 1, ...bad })).toThrow(RangeError);
  });
});

describe("the job mix against the sandbox's pool file", () => {
  const pools = parsePoolFile(SANDBOX_POOLS_YAML, "sandbox").file?.pools ?? [];
  const visibility = new Map<string, "public" | "private" | "internal">(
    SANDBOX_REPOS.map((r) => [r.name, r.visibility]),
  );
  const cases = JOB_KINDS.flatMap((kind) =>
    JOB_MIX[kind].repos.flatMap((repo) => JOB_MIX[kind].labels.map((labels) => ({ kind, repo, labels }))),
  );

  it.each(cases)(
    "$kind from acme/$repo with $labels gets the outcome it is sent for",
    ({ kind, repo, labels }) => {
      const spec = JOB_MIX[kind];
      const match = matchPool(labels, pools);
      if (spec.expected === "ignored") return expect(match.pool).toBeUndefined();
      expect(match.pool).toBeDefined();
      const decision = evaluatePolicy(
        {
          org: "acme",
          repository: { fullName: `acme/${repo}`, visibility: visibility.get(repo) ?? "private" },
          forkRun: spec.fromFork ?? false,
        },
        match.pool!,
      );
      expect(decision.allow).toBe(spec.expected === "runs");
    },
  );
});
