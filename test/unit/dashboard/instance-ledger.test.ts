import { describe, expect, it } from "vitest";
import { InstanceLedger } from "../../../src/dashboard/instance-ledger.js";
import { QueueTimes } from "../../../src/dashboard/queue-times.js";
import { instance, observation } from "./fixtures.js";

const HOUR = 3_600_000;

describe("InstanceLedger", () => {
  it("remembers each instance from its launch to the last time it was seen, with the repo of its job", () => {
    const ledger = new InstanceLedger();
    ledger.observe(observation([instance("i-1", { launchedAt: 0, market: "spot", org: "acme" })], [], HOUR));
    ledger.noteJob("i-1", "acme/api");
    ledger.observe(observation([instance("i-1", { launchedAt: 0 })], [], 2 * HOUR));
    ledger.observe(observation([], [], 3 * HOUR));
    expect(ledger.entries()).toEqual([
      {
        instanceId: "i-1",
        pool: "linux",
        org: "acme",
        repo: "acme/api",
        instanceType: "m7i.large",
        market: "spot",
        launchedAt: 0,
        endedAt: 2 * HOUR,
      },
    ]);
  });

  it("ignores terminated instances and forgets instances unseen for longer than the retention", () => {
    const ledger = new InstanceLedger({ retentionMs: 10 * HOUR });
    ledger.observe(observation([instance("i-1"), instance("i-2", { state: "terminated" })], [], HOUR));
    expect(ledger.entries().map((e) => e.instanceId)).toEqual(["i-1"]);
    ledger.observe(observation([], [], 11 * HOUR));
    expect(ledger.entries().map((e) => e.instanceId)).toEqual(["i-1"]);
    ledger.observe(observation([], [], 11 * HOUR + 1));
    expect(ledger.entries()).toEqual([]);
  });

  it("keeps at most `capacity` instances, dropping the oldest", () => {
    const ledger = new InstanceLedger({ capacity: 2 });
    ledger.observe(observation([instance("i-1"), instance("i-2"), instance("i-3")], [], HOUR));
    expect(ledger.entries().map((e) => e.instanceId)).toEqual(["i-2", "i-3"]);
  });
});

describe("QueueTimes", () => {
  it("gives percentiles of the jobs started within the window", () => {
    const times = new QueueTimes();
    times.add(0, 100);
    for (const [at, seconds] of [
      [50, 5],
      [60, 10],
      [70, 20],
      [80, -1],
    ]) {
      times.add(at as number, seconds as number);
    }
    expect(times.stats(100, 60)).toEqual({ windowSeconds: 0, jobs: 3, p50: 10, p90: 20 });
    expect(times.stats(100, 1000)).toMatchObject({ jobs: 4, p90: 100 });
    expect(times.stats(10_000, 60)).toEqual({ windowSeconds: 0, jobs: 0, p50: undefined, p90: undefined });
  });

  it("is bounded", () => {
    const times = new QueueTimes(2);
    for (const s of [1, 2, 3]) times.add(0, s);
    expect(times.stats(0, 1)).toMatchObject({ jobs: 2, p50: 2 });
  });
});
