import { describe, expect, it } from "vitest";
import { RunnerJobs } from "../../../src/events/runner-jobs.js";
import { scaleWorld } from "./scale-world.js";

describe("the scaler over the in-memory fleet", () => {
  it("launches once for a first delivery and tags the instance with its job", async () => {
    const w = scaleWorld();
    const outcome = await w.replica().scaler(w.message(), w.delivery(1));
    expect(outcome).toMatchObject({ kind: "retry", reason: "launched; recheck that the job started" });
    expect(w.fleet.instances()).toHaveLength(1);
    expect(w.fleet.instances()[0]?.tags["mayfly:jobs"]).toBe("42");
    expect(w.github.gets).toBe(0);
  });

  it("a redelivery to another replica sees the launch in EC2 and does not launch twice", async () => {
    const w = scaleWorld();
    await w.replica().scaler(w.message(), w.delivery(1));
    w.clock.now += 10_000;
    // The instance is booting and has not enrolled: it will take the job, and GitHub can tell nothing yet.
    const outcome = await w.replica().scaler(w.message(), w.delivery(2));
    expect(outcome).toMatchObject({ kind: "retry", reason: expect.stringMatching(/waiting for a config/) });
    expect(w.fleet.instances()).toHaveLength(1);
    expect(w.github.gets).toBe(0);
  });

  it("asks GitHub about a launched job only once its instance has enrolled or is gone", async () => {
    const w = scaleWorld();
    await w.replica().scaler(w.message(), w.delivery(1));
    w.clock.now += 10_000;
    await w.replica().scaler(w.message(), w.delivery(2));
    expect(w.github.gets).toBe(0);
    // Bootstrap's record that the instance got its config.
    w.fleet.setTags(w.fleet.instances()[0]!.instanceId, { "mayfly:enrolled": "true" });
    w.clock.now += 10_000;
    await w.replica().scaler(w.message(), w.delivery(3));
    expect(w.github.gets).toBe(1);
    w.terminateAll();
    w.clock.now += 10_000;
    await w.replica().scaler(w.message(), w.delivery(4));
    expect(w.github.gets).toBe(2);
  });

  it("a job this replica saw start is acked on its recheck without asking GitHub; another's job is asked", async () => {
    const w = scaleWorld();
    const runnerJobs = new RunnerJobs();
    const replica = w.replica({ startedJobs: runnerJobs });
    await replica.scaler(w.message(), w.delivery(1));
    w.fleet.setTags(w.fleet.instances()[0]!.instanceId, { "mayfly:enrolled": "true" });
    runnerJobs.noteStarted(42);
    w.clock.now += 60_000;
    expect(await replica.scaler(w.message(), w.delivery(2))).toMatchObject({ kind: "ack" });
    expect(w.github.gets).toBe(0);
    // A job whose start only another replica saw: GitHub is asked, and queued with no spare → launch.
    await replica.scaler(w.message({ jobId: 43 }), w.delivery(1, "m-2"));
    w.fleet.setTags(w.fleet.instances()[1]!.instanceId, { "mayfly:enrolled": "true" });
    w.clock.now += 60_000;
    await replica.scaler(w.message({ jobId: 43 }), w.delivery(2, "m-2"));
    expect(w.github.gets).toBe(1);
  });

  it("gives a job whose instances never enrol at most 3 launches, then reports it", async () => {
    const w = scaleWorld();
    const replicas = [w.replica(), w.replica()];
    let outcome = await replicas[0]!.scaler(w.message(), w.delivery(1));
    for (let n = 2; n <= 8; n++) {
      w.terminateAll(); // each instance is reaped after its boot timeout, never having enrolled
      w.clock.now += 300_000;
      outcome = await replicas[n % 2]!.scaler(w.message(), w.delivery(n));
      if (outcome.kind === "dead-letter") break;
    }
    expect(w.fleet.launches).toHaveLength(3);
    expect(outcome).toMatchObject({
      kind: "dead-letter",
      reason: expect.stringMatching(/no runner after 3 launch/),
    });
    const gaveUp = replicas.flatMap((r) => r.events.list({ kinds: ["launch.gave-up"] }));
    expect(gaveUp).toMatchObject([{ jobId: 42, pool: "small", reason: "launch-limit" }]);
    const metric = await replicas.map((r) => r.metrics.jobsWithoutRunner.get());
    const counted = (await Promise.all(metric)).flatMap((m) => m.values).reduce((s, v) => s + v.value, 0);
    expect(counted).toBe(1);
  });

  it("a pool's maxLaunchesPerJob overrides the default", async () => {
    const w = scaleWorld({ pool: { maxLaunchesPerJob: 1 } });
    const r = w.replica();
    await r.scaler(w.message(), w.delivery(1));
    w.terminateAll();
    w.clock.now += 300_000;
    expect(await r.scaler(w.message(), w.delivery(2))).toMatchObject({ kind: "dead-letter" });
    expect(w.fleet.launches).toHaveLength(1);
  });

  it("a late queued duplicate (new message, past the dedup window) of a running job launches nothing", async () => {
    const w = scaleWorld();
    const created = w.clock.now;
    await w.replica().scaler(w.message(), w.delivery(1));
    w.fleet.setTags(w.fleet.instances()[0]!.instanceId, { "mayfly:enrolled": "true" });
    w.github.status = "in_progress";
    w.clock.now += 6 * 60_000;
    const late = w.message({ jobCreatedAt: created, deliveryId: "d-2" });
    expect(await w.replica().scaler(late, w.delivery(1, "m-2"))).toEqual({ kind: "ack" });
    expect(w.fleet.launches).toHaveLength(1);
    expect(w.github.gets).toBe(1);
  });

  it("with the recheck budget spent a launched job is looked at later, not relaunched", async () => {
    const w = scaleWorld({ rechecksPerHour: 60 });
    await w.replica().scaler(w.message(), w.delivery(1));
    w.terminateAll();
    const other = w.replica();
    while (other.rechecks.tryTake(1));
    const outcome = await other.scaler(w.message(), w.delivery(2));
    expect(outcome).toMatchObject({ kind: "retry", reason: expect.stringMatching(/recheck budget spent/) });
    expect(outcome.kind === "retry" && outcome.afterSeconds).toBeGreaterThanOrEqual(60);
    expect(w.fleet.launches).toHaveLength(1);
    expect(w.github.gets).toBe(0);
  });

  it("at the pool's max it waits and tells the dashboard once", async () => {
    const w = scaleWorld({ pool: { maxRunners: 1 } });
    const r = w.replica();
    await r.scaler(w.message(), w.delivery(1));
    const outcome = await r.scaler(w.message({ jobId: 43 }), w.delivery(1, "m-2"));
    expect(outcome).toMatchObject({ kind: "retry", reason: "pool small at max runners" });
    await r.scaler(w.message({ jobId: 44 }), w.delivery(1, "m-3"));
    expect(r.events.list({ kinds: ["launch.deferred"] })).toHaveLength(1);
    expect(w.fleet.launches).toHaveLength(1);
  });

  describe("a job admitted on condition (public repository, no allowForks): the fork check comes first", () => {
    const pool = {
      allow: {
        orgs: ["acme"],
        repositories: ["acme/*"],
        visibilities: ["public" as const],
        allowForks: false,
      },
    };

    it("a run from a fork launches nothing and is denied", async () => {
      const w = scaleWorld({ pool });
      w.github.forkRuns.add(7);
      const r = w.replica();
      expect(await r.scaler(w.message({ forkCheck: true }), w.delivery(1))).toEqual({ kind: "ack" });
      expect(w.fleet.launches).toHaveLength(0);
      expect(r.events.list({ kinds: ["policy.denied"] })).toEqual([
        expect.objectContaining({ reason: "fork-not-allowed", jobId: 42 }),
      ]);
    });

    it("GitHub cannot answer: the message comes back later and nothing launches meanwhile", async () => {
      const w = scaleWorld({ pool });
      w.github.forkDown = true;
      const outcome = await w.replica().scaler(w.message({ forkCheck: true }), w.delivery(1));
      expect(outcome).toMatchObject({ kind: "retry" });
      expect(w.fleet.launches).toHaveLength(0);
    });

    it("a run from the repository itself launches; a job not on condition asks nothing", async () => {
      const w = scaleWorld({ pool });
      const r = w.replica();
      await r.scaler(w.message({ forkCheck: true }), w.delivery(1));
      expect(w.fleet.launches).toHaveLength(1);
      expect(w.github.forkLookups).toBe(1);
      await r.scaler(w.message({ jobId: 43 }), w.delivery(1, "m-2"));
      expect(w.github.forkLookups).toBe(1);
      const allowed = await r.metrics.registry.getSingleMetricAsString("mayfly_policy_decisions_total");
      expect(allowed).toContain('mayfly_policy_decisions_total{decision="allow",reason="allowed"} 1');
    });

    it("a pool that no longer admits the repository denies it, fork or not", async () => {
      const w = scaleWorld({ pool: { allow: { ...pool.allow, repositories: ["acme/other"] } } });
      const r = w.replica();
      expect(await r.scaler(w.message({ forkCheck: true }), w.delivery(1))).toEqual({ kind: "ack" });
      expect(w.fleet.launches).toHaveLength(0);
      expect(r.events.list({ kinds: ["policy.denied"] })[0]).toMatchObject({ reason: "repo-not-allowed" });
    });
  });

  it("dead-letters a message for a pool that is no longer configured", async () => {
    const w = scaleWorld();
    expect(await w.replica().scaler(w.message({ pool: "gone" }), w.delivery(1))).toMatchObject({
      kind: "dead-letter",
    });
  });
});
