import { describe, expect, it } from "vitest";
import { createMemoryFleet } from "../../../src/aws/memory-fleet.js";
import type { GitHubRunner } from "../../../src/github/runners.js";
import { createInventory } from "../../../src/scaler/inventory.js";
import { makePool } from "../domain/make-pool.js";

const ref = { installationId: 1, org: "acme" };

function setup(maxRunners = 2) {
  const clock = { now: 1_000_000 };
  const now = () => clock.now;
  const fleet = createMemoryFleet({ now });
  const runners: GitHubRunner[] = [];
  const listed = { count: 0 };
  const inventory = createInventory({
    fleet: {
      list: (options) => {
        listed.count++;
        return fleet.list(options);
      },
    },
    runners: { list: async () => runners },
    runnerPrefix: "mayfly-",
    now,
  });
  const pool = makePool({ maxRunners });
  const launch = async (jobs: string, launchId: string, count = 1) =>
    fleet.launch({
      pool,
      instanceType: "m7i.large",
      subnetId: "subnet-0000000a",
      market: "on-demand",
      count,
      clientToken: launchId,
      userData: "",
      tags: {
        "mayfly:managed-by": "mayfly",
        "mayfly:pool": pool.name,
        "mayfly:org": "acme",
        "mayfly:launch": launchId,
        "mayfly:jobs": jobs,
      },
    });
  return { clock, fleet, runners, listed, inventory, pool, launch };
}

describe("inventory", () => {
  it("counts a job's launches from EC2 tags, terminated instances included", async () => {
    const w = setup();
    const [first] = await w.launch("42 43", "launch-a", 2);
    await w.launch("42", "launch-b");
    w.fleet.setState(first!.instanceId, "terminated");
    expect(await w.inventory.observe(w.pool, 42)).toMatchObject({ launches: 2 });
    expect(await w.inventory.observe(w.pool, 43)).toMatchObject({ launches: 1 });
    expect(await w.inventory.observe(w.pool, 44)).toMatchObject({ launches: 0 });
  });

  it("does not count a launch whose runner a denied job took (mayfly:taken)", async () => {
    const w = setup();
    const [stolen] = await w.launch("42", "launch-a");
    await w.launch("42", "launch-b");
    w.fleet.setTags(stolen!.instanceId, { "mayfly:taken": "7" });
    w.fleet.setState(stolen!.instanceId, "terminated");
    expect(await w.inventory.observe(w.pool, 42)).toMatchObject({ launches: 1 });
  });

  it("counts its own launches before DescribeInstances shows them", async () => {
    const w = setup();
    expect(await w.inventory.observe(w.pool, 42)).toMatchObject({
      room: true,
      launches: 0,
      awaitingConfig: 0,
    });
    w.inventory.noteLaunched(w.pool, { instanceId: "i-0123456789abcdef0", launch: "launch-a", jobId: 42 });
    expect(await w.inventory.observe(w.pool, 42)).toMatchObject({
      room: true,
      launches: 1,
      awaitingConfig: 1,
    });
  });

  it("counts a job's live instances that have not enrolled as waiting for a config", async () => {
    const w = setup(5);
    const [a, b, c] = await w.launch("42", "launch-a", 3);
    w.fleet.setTags(a!.instanceId, { "mayfly:enrolled": "true" });
    w.fleet.setState(b!.instanceId, "terminated");
    expect(c).toBeDefined();
    expect(await w.inventory.observe(w.pool, 42)).toMatchObject({ launches: 1, awaitingConfig: 1 });
  });

  it("counts the pool's instances of the job's org still waiting for a config, whatever their job", async () => {
    const w = setup(10);
    const [enrolled, warned, ended] = await w.launch("1", "launch-a", 3);
    await w.launch("2", "launch-b", 2);
    w.fleet.setTags(enrolled!.instanceId, { "mayfly:enrolled": "true" });
    w.fleet.setTags(warned!.instanceId, { "mayfly:interrupted": "2026-12-02T05:00:00Z" });
    w.fleet.setState(ended!.instanceId, "terminated");
    // Job 3 was never launched for: the two of launch-b are runners to come for it.
    expect(await w.inventory.observe(w.pool, 3, ref)).toMatchObject({
      awaitingConfig: 0,
      poolAwaitingConfig: 2,
    });
    expect(await w.inventory.observe(w.pool, 3, { org: "other" })).toMatchObject({ poolAwaitingConfig: 0 });
  });

  it("serves checks from one listing for its TTL, and lists again after it", async () => {
    const w = setup(5);
    await w.inventory.observe(w.pool, 1);
    await w.inventory.observe(w.pool, 2);
    expect(w.listed.count).toBe(1);
    w.clock.now += 6_000;
    await w.inventory.observe(w.pool, 3);
    expect(w.listed.count).toBe(2);
  });

  it("reserves up to the pool's max, counting live instances, and frees a slot on release", async () => {
    const w = setup(2);
    await w.launch("1", "launch-a");
    expect(await w.inventory.observe(w.pool, 2)).toMatchObject({ room: true });
    const release = w.inventory.tryReserve(w.pool);
    expect(release).toBeTypeOf("function");
    expect(w.inventory.tryReserve(w.pool)).toBeUndefined();
    expect(await w.inventory.observe(w.pool, 3)).toMatchObject({ room: false });
    release?.();
    release?.(); // twice frees once
    expect(w.inventory.tryReserve(w.pool)).toBeTypeOf("function");
    expect(w.inventory.tryReserve(w.pool)).toBeUndefined();
  });

  it("a terminated instance frees its slot", async () => {
    const w = setup(1);
    const [only] = await w.launch("1", "launch-a");
    expect(await w.inventory.observe(w.pool, 2)).toMatchObject({ room: false });
    w.fleet.setState(only!.instanceId, "terminated");
    w.clock.now += 2_000;
    expect(await w.inventory.observe(w.pool, 2)).toMatchObject({ room: true });
  });

  it("counts booting and idle instances of the org as spare, busy ones not", async () => {
    const w = setup(5);
    const [busy, idle] = await w.launch("1 2 3", "launch-a", 3);
    w.runners.push(
      { id: 1, name: `mayfly-${busy!.instanceId}`, status: "online", busy: true, labels: [] },
      { id: 2, name: `mayfly-${idle!.instanceId}`, status: "online", busy: false, labels: [] },
    );
    // Two spare: the idle runner and the instance still booting (no runner yet).
    expect(await w.inventory.spare(w.pool, ref)).toBe(2);
    expect(await w.inventory.spare(w.pool, { installationId: 1, org: "other" })).toBe(0);
  });
});
