import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import type { CapacityRule } from "../../../../emulators/src/ec2/options.js";
import type { EmulatedJob, EnqueueJobInput } from "../../../../emulators/src/github/types.js";
import { planTraffic, type TrafficPlanOptions } from "../../../../sandbox/traffic/plan-traffic.js";
import { startTraffic, type TrafficTarget } from "../../../../sandbox/traffic/start-traffic.js";

/** The player over a recording target, on fake timers: what it does, and when. */

type Call =
  | { at: number; call: "enqueue"; job: EnqueueJobInput }
  | { at: number; call: "cancel"; jobId: number }
  | { at: number; call: "capacity"; rule: CapacityRule };

function recordingTarget(options: { failEnqueue?: (n: number) => boolean } = {}) {
  const calls: Call[] = [];
  let ids = 100;
  const target: TrafficTarget = {
    github: {
      enqueueJob(job) {
        if (options.failEnqueue?.(ids)) {
          ids++;
          throw new Error("emulator stopping");
        }
        calls.push({ at: Date.now(), call: "enqueue", job });
        return { id: ids++ } as EmulatedJob;
      },
      cancelJob(jobId) {
        calls.push({ at: Date.now(), call: "cancel", jobId });
      },
    },
    ec2: {
      setCapacity(rule) {
        calls.push({ at: Date.now(), call: "capacity", rule });
      },
    },
  };
  return { target, calls };
}

const options: TrafficPlanOptions = { seed: 99, cycleMs: 10_000, ratePerMinute: 30, burstSize: 3 };

describe("startTraffic", () => {
  beforeEach(() => {
    vi.useFakeTimers({ now: 1_000_000 });
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it("plays each cycle's plan at its planned times, cycle after cycle", async () => {
    const { target, calls } = recordingTarget();
    const traffic = startTraffic(target, { ...options, cycles: 2 });
    // Two cycles, then the last give-up cancels a minute after their jobs.
    await vi.advanceTimersByTimeAsync(90_000);
    await traffic.done;
    const expected = [0, 1].flatMap((cycle) =>
      planTraffic(options, cycle).flatMap((a) => {
        const at = 1_000_000 + cycle * 10_000 + a.atMs;
        if (a.kind === "capacity") return a.rules.map(() => ({ at, call: "capacity" }));
        return [{ at, call: a.kind }];
      }),
    );
    expect(calls.map(({ at, call }) => ({ at, call })).sort((x, y) => x.at - y.at)).toEqual(
      expected.sort((x, y) => x.at - y.at),
    );
    expect(traffic.stats()).toMatchObject({ cycle: 2, errors: 0, capacityChanges: 4 });
  });

  it("cancels by the id the emulator gave the job", async () => {
    const { target, calls } = recordingTarget();
    startTraffic(target, { ...options, cycles: 1 });
    await vi.advanceTimersByTimeAsync(120_000);
    const enqueued = calls.filter((c) => c.call === "enqueue");
    const cancels = calls.filter((c) => c.call === "cancel");
    const plan = planTraffic(options, 0);
    const refs = plan.filter((a) => a.kind === "enqueue").map((a) => a.ref);
    const wanted = plan.filter((a) => a.kind === "cancel").map((a) => 100 + refs.indexOf(a.ref));
    expect(cancels.map((c) => c.jobId).sort()).toEqual(wanted.sort());
    expect(enqueued).toHaveLength(refs.length);
  });

  it("gives spot capacity back when stopped during an outage, then does nothing more", async () => {
    const { target, calls } = recordingTarget();
    const traffic = startTraffic(target, options);
    await vi.advanceTimersByTimeAsync(5_000);
    traffic.stop();
    await traffic.done;
    const capacity = calls.filter((c) => c.call === "capacity").map((c) => c.rule);
    expect(capacity).toEqual([
      { market: "spot", instanceType: "t3.medium", limit: 0 },
      { market: "spot", instanceType: "t3a.medium", limit: 0 },
      { market: "spot", instanceType: "t3.medium", limit: Infinity },
      { market: "spot", instanceType: "t3a.medium", limit: Infinity },
    ]);
    const count = calls.length;
    await vi.advanceTimersByTimeAsync(60_000);
    expect(calls).toHaveLength(count);
  });

  it("interrupts the pool's oldest running spot instance, and nothing when it has none", async () => {
    const { target } = recordingTarget();
    const interrupted: string[] = [];
    const instance = (instanceId: string, launchTime: number, extra: Record<string, unknown> = {}) =>
      ({
        instanceId,
        launchTime,
        market: "spot",
        state: "running",
        tags: { "mayfly:pool": "small" },
        ...extra,
      }) as never;
    let fleet = [
      instance("i-new", 3),
      instance("i-old", 1),
      instance("i-od", 0, { market: "on-demand" }),
      instance("i-large", 0, { tags: { "mayfly:pool": "large" } }),
      instance("i-booting", 0, { state: "pending" }),
    ];
    target.ec2.instances = () => fleet;
    target.ec2.interruptSpot = (id) => {
      interrupted.push(id);
    };
    const results: Array<string | undefined> = [];
    const only = { seed: 1, cycleMs: 10_000, ratePerMinute: 0, burstSize: 0, spotOutage: false };
    const traffic = startTraffic(target, {
      ...only,
      spotInterruption: true,
      cycles: 2,
      onAction: (action, result) => {
        if (action.kind === "interrupt") results.push(result.instanceId);
      },
    });
    await vi.advanceTimersByTimeAsync(3_000 + 1);
    fleet = [];
    await vi.advanceTimersByTimeAsync(10_000);
    traffic.stop();
    expect(interrupted).toEqual(["i-old"]);
    expect(results).toEqual(["i-old", undefined]);
    expect(traffic.stats().interruptions).toBe(1);
  });

  it("counts the emulator's refusals and keeps to the schedule", async () => {
    const { target, calls } = recordingTarget({ failEnqueue: (id) => id % 2 === 0 });
    const seen: string[] = [];
    const traffic = startTraffic(target, {
      ...options,
      cycles: 1,
      onAction: (action, result) => seen.push(result.error ? `${action.kind}:error` : action.kind),
    });
    await vi.advanceTimersByTimeAsync(120_000);
    const stats = traffic.stats();
    expect(stats.errors).toBeGreaterThan(0);
    expect(stats.lastError).toBe("emulator stopping");
    expect(seen.filter((s) => s === "enqueue:error")).toHaveLength(stats.errors);
    expect(calls.filter((c) => c.call === "enqueue")).toHaveLength(
      planTraffic(options, 0).filter((a) => a.kind === "enqueue").length - stats.errors,
    );
  });
});
