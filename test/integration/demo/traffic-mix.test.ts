import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { EmulatedJob } from "../../../emulators/src/github/types.js";
import { type Sandbox, startSandbox } from "../../../sandbox/sandbox.js";
import { startMayfly } from "../../../sandbox/start-mayfly.js";
import type { ExpectedOutcome } from "../../../sandbox/traffic/job-mix.js";
import { planTraffic, type TrafficPlanOptions } from "../../../sandbox/traffic/plan-traffic.js";
import { startTraffic, type Traffic } from "../../../sandbox/traffic/start-traffic.js";
import { TAG } from "../../../src/domain/tags.js";
import type { Mayfly } from "../../../src/mayfly.js";
import { waitFor } from "../../helpers/wait-for.js";

/**
 * One compressed cycle of demo traffic against the real app: each kind of job gets the outcome it was sent
 * for, cancellations land, and the spot outage pushes the small pool to on-demand.
 */
const options: TrafficPlanOptions = {
  seed: 2024,
  cycleMs: 8_000,
  ratePerMinute: 60,
  burstSize: 4,
  jobDurationMs: { min: 300, max: 800 },
  // Give up on denied and unclaimed jobs at once: left queued, a denied job can take an idle runner
  // launched for another job with the same labels (GitHub's semantics), which this test is not about.
  abandonAfterMs: 0,
};

describe("demo traffic against the app", () => {
  let sandbox: Sandbox;
  let mayfly: Mayfly;
  let traffic: Traffic | undefined;
  const sent = new Map<number, ExpectedOutcome>();
  const cancelled = new Set<number>();
  const outage: number[] = [];

  beforeAll(async () => {
    sandbox = await startSandbox({ bootDelayMs: 100 });
    mayfly = await startMayfly(sandbox);
    traffic = startTraffic(sandbox, {
      ...options,
      cycles: 1,
      onAction: (action, { jobId }) => {
        if (action.kind === "enqueue" && jobId !== undefined) sent.set(jobId, action.expected);
        if (action.kind === "cancel" && jobId !== undefined) cancelled.add(jobId);
        if (action.kind === "capacity") outage.push(Date.now());
      },
    });
    await traffic.done;
  });
  afterAll(async () => {
    traffic?.stop();
    await mayfly?.stop();
    await sandbox?.stop();
  });

  it("plays the whole cycle without errors", () => {
    const stats = traffic!.stats();
    expect(stats).toMatchObject({ cycle: 1, errors: 0, capacityChanges: 2 });
    const planned = planTraffic(options, 0).filter((a) => a.kind === "enqueue");
    for (const outcome of ["runs", "denied", "ignored"] as const)
      expect(stats.enqueued[outcome]).toBe(planned.filter((a) => a.expected === outcome).length);
    expect(stats.enqueued.denied).toBeGreaterThanOrEqual(3);
    expect(stats.cancelled).toBe(cancelled.size);
  });

  it("denies exactly the jobs sent to be denied, ignores the unclaimed, queues the rest", async () => {
    const ids = (outcome: ExpectedOutcome) => [...sent].filter(([, o]) => o === outcome).map(([id]) => id);
    const byKind = (kind: "policy.denied" | "job.queued") =>
      mayfly.events.list({ kinds: [kind] }).map((e) => e.jobId);
    await waitFor("every runnable job queued", () =>
      ids("runs").every((id) => byKind("job.queued").includes(id)),
    );
    expect(byKind("policy.denied").sort()).toEqual(ids("denied").sort());
    expect(byKind("job.queued").sort()).toEqual(ids("runs").sort());
    const reasons = new Set(mayfly.events.list({ kinds: ["policy.denied"] }).map((e) => e.reason));
    expect(reasons).toEqual(new Set(["repo-not-allowed", "fork-not-allowed"]));
  });

  it("runs every runnable job to an end, and cancels what its authors gave up on", async () => {
    const jobs = await waitFor("every runnable job completed", () => {
      const all = [...sent.keys()].map((id) => sandbox.github.job(id)!);
      const done = all.filter((j) => sent.get(j.id) !== "runs" || j.status === "completed");
      return done.length === all.length ? all : undefined;
    });
    const ran = jobs.filter((j: EmulatedJob) => sent.get(j.id) === "runs" && !cancelled.has(j.id));
    expect(ran.length).toBeGreaterThan(5);
    for (const job of ran) {
      expect(job.conclusion, `job ${job.id}`).toMatch(/^(success|failure)$/);
      expect(job.runnerName, `job ${job.id}`).toMatch(/^mayfly-i-/);
    }
    await waitFor("given-up jobs cancelled", () =>
      [...sent]
        .filter(([, o]) => o !== "runs")
        .every(([id]) => sandbox.github.job(id)?.conclusion === "cancelled"),
    );
    expect([...cancelled].every((id) => sandbox.github.job(id)?.status === "completed")).toBe(true);
  });

  it("launches the small pool on demand only once its spot capacity is gone, and on spot before", () => {
    const [from] = outage as [number, number];
    const small = sandbox.ec2.instances().filter((i) => i.tags[TAG.pool] === "small");
    const before = small.filter((i) => i.launchTime < from);
    expect(before.length).toBeGreaterThan(0);
    expect(before.every((i) => i.market === "spot")).toBe(true);
    const onDemand = small.filter((i) => i.market === "on-demand");
    expect(onDemand.length).toBeGreaterThan(0);
    expect(onDemand.every((i) => i.launchTime >= from)).toBe(true);
  });
});
