import { describe, expect, it } from "vitest";
import { TAG } from "../../../src/domain/tags.js";
import { scaleWorld } from "./scale-world.js";

/**
 * The scaler uses warm capacity first (issue 13): idle hot runners (nothing to launch), then stopped
 * instances (started), then cold launches, over the in-memory fleet, with one replica and with two.
 */
const warm = { hot: 2, stopped: 2, schedules: [], maxAge: 86_400 };

async function warmWorld(hot: number, stopped: number) {
  const w = scaleWorld({ pool: { maxRunners: 20, warm } });
  const plant = async (role: "hot" | "stopped", k: number) => {
    const [i] = await w.fleet.launch({
      pool: w.pool,
      instanceType: "m7i.large",
      subnetId: "subnet-a",
      market: "on-demand",
      count: 1,
      clientToken: `${role}-${k}`,
      userData: "",
      tags: {
        [TAG.managedBy]: "mayfly",
        [TAG.pool]: w.pool.name,
        [TAG.org]: "acme",
        [TAG.launch]: `${role}-${k}`,
        [TAG.warm]: role,
      },
      ...(role === "stopped" ? { shutdownBehaviour: "stop" as const } : {}),
    });
    const id = i?.instanceId ?? "";
    w.fleet.setState(id, role === "hot" ? "running" : "stopped");
    if (role === "hot")
      w.github.runners.push({ id: k + 1, name: `mayfly-${id}`, status: "online", busy: false, labels: [] });
    return id;
  };
  for (let k = 0; k < hot; k++) await plant("hot", k);
  for (let k = 0; k < stopped; k++) await plant("stopped", k);
  const jobs = (n: number) => Array.from({ length: n }, (_, k) => 100 + k);
  const send = (replica: ReturnType<typeof w.replica>, jobId: number, receiveCount = 1) =>
    replica.scaler(w.message({ jobId }), {
      ...w.delivery(receiveCount, `m-${jobId}`),
      groupId: `job-${jobId}`,
    });
  /** Each job's launches (instances tagged with it), from EC2 as any replica sees it. */
  const launchesOf = (jobId: number) =>
    w.fleet.instances().filter((i) => (i.tags[TAG.jobs] ?? "").split(" ").includes(String(jobId)));
  return { w, jobs, send, launchesOf };
}

const claims = (events: { kind: string; result?: unknown }[]) =>
  events.filter((e) => e.kind === "warm.claimed").map((e) => e.result);

describe("the scaler with warm capacity", () => {
  it("a burst of 5 in one replica: 2 go to idle hot runners, 2 start stopped instances, 1 launches cold", async () => {
    const { w, jobs, send, launchesOf } = await warmWorld(2, 2);
    const replica = w.replica();
    const outcomes = await Promise.all(jobs(5).map((j) => send(replica, j)));
    const hot = outcomes.filter((o) => o.kind === "retry" && /hot runner/.test(o.reason));
    expect(hot).toHaveLength(2);
    // One RunInstances beyond the 4 planted: the cold one.
    expect(w.fleet.launches).toHaveLength(5);
    const perJob = jobs(5).map((j) => launchesOf(j).length);
    expect(perJob.filter((n) => n === 1)).toHaveLength(3);
    expect(perJob.filter((n) => n > 1)).toHaveLength(0);
    const started = jobs(5)
      .flatMap(launchesOf)
      .filter((i) => i.tags[TAG.launch]?.startsWith("stopped-"));
    expect(started).toHaveLength(2);
    expect(started.every((i) => i.state === "pending" && i.tags[TAG.warm] === undefined)).toBe(true);
    expect(w.fleet.shutdownBehaviourOf(started[0]?.instanceId ?? "")).toBe("terminate");
    expect(claims(replica.events.list({ kinds: ["warm.claimed"] })).sort()).toEqual([
      "hot",
      "hot",
      "miss",
      "stopped",
      "stopped",
    ]);
    const metric = await replica.metrics.warmClaims.get();
    const count = (result: string) => metric.values.find((v) => v.labels.result === result)?.value;
    expect([count("hot"), count("stopped"), count("miss")]).toEqual([2, 2, 1]);
  });

  it("over two replicas nothing is lost or doubled: a job whose hot runner went to another is launched for on its recheck", async () => {
    const { w, jobs, send, launchesOf } = await warmWorld(2, 1);
    const replicas = [w.replica(), w.replica()];
    const all = jobs(6);
    // Each replica sees both idle hot runners (neither knows what the other handed off).
    await Promise.all(all.map((j, k) => send(replicas[k % 2]!, j)));
    // GitHub gives the two hot runners to the two oldest jobs left to them; they start.
    const leftHot = all.filter((j) => launchesOf(j).length === 0);
    expect(leftHot.length).toBeGreaterThanOrEqual(2);
    for (const j of leftHot.slice(0, 2)) w.github.statuses.set(j, "in_progress");
    for (const r of w.github.runners) r.busy = true;
    w.clock.now += 10_000;
    // The rechecks: each job that went hot comes back once.
    await Promise.all(leftHot.map((j, k) => send(replicas[k % 2]!, j, 2)));
    for (const j of all) {
      const n = launchesOf(j).length;
      const ran = w.github.statuses.get(j) === "in_progress";
      // Exactly one source per job: its hot runner, or one launch (stopped or cold).
      expect(ran ? n === 0 : n === 1).toBe(true);
    }
    const stoppedStarted = w.fleet.instances().filter((i) => i.tags[TAG.launch] === "stopped-0");
    expect(stoppedStarted[0]?.state).toBe("pending");
  });

  it("a pool without a warm key never asks for warm capacity or reports misses", async () => {
    const w = scaleWorld();
    const replica = w.replica();
    await replica.scaler(w.message(), w.delivery(1));
    expect(w.fleet.instances()).toHaveLength(1);
    expect(replica.events.list({ kinds: ["warm.claimed"] })).toHaveLength(0);
  });
});
