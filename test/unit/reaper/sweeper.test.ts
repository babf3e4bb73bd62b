import { pino } from "pino";
import { describe, expect, it } from "vitest";
import type { Observation } from "../../../src/reaper/observe.js";
import { createSweeper } from "../../../src/reaper/sweeper.js";
import { PREFIX, pool, reaperHarness } from "./reaper-harness.js";

function setup() {
  const h = reaperHarness();
  let observed = 0;
  const observe = async (): Promise<Observation> => {
    observed++;
    return { at: h.timers.now(), instances: await h.fleet.list(), runners: [], unreachableOrgs: [] };
  };
  const sweeper = createSweeper({
    observe,
    fleet: h.fleet,
    runners: h.runners,
    terminator: h.terminator,
    pools: [pool],
    runnerPrefix: PREFIX,
    runnerJobs: h.runnerJobs,
    report: h.report,
    metrics: h.metrics,
    log: pino({ level: "silent" }),
    now: h.timers.now,
    timers: h.timers,
  });
  return { ...h, sweeper, observed: () => observed };
}

describe("sweeper", () => {
  it("terminates an instance that never registered past its boot timeout, and reports it", async () => {
    const s = setup();
    const id = await s.launch();
    await s.timers.advance(301_000);
    const swept = s.sweeper.sweep();
    await s.timers.advance(50);
    const { actions } = await swept;
    expect(actions).toEqual([
      expect.objectContaining({ kind: "terminate", instanceId: id, reason: "boot-timeout" }),
    ]);
    expect(s.state(id)).toBe("terminated");
    expect(s.events.list({ kinds: ["reap.terminated"] })).toEqual([
      expect.objectContaining({ reason: "boot-timeout", instanceId: id }),
    ]);
    expect(await s.reaps()).toContain('mayfly_reaps_total{reason="boot-timeout",action="terminated"} 1');
  });

  it("leaves a fresh instance alone", async () => {
    const s = setup();
    await s.launch();
    expect((await s.sweeper.sweep()).actions).toEqual([]);
    expect(s.fleet.terminations).toEqual([]);
  });

  it("sweeps a second after start, then every interval, and not after stop", async () => {
    const s = setup();
    s.sweeper.start(30);
    await s.timers.advance(999);
    expect(s.observed()).toBe(0);
    await s.timers.advance(1);
    expect(s.observed()).toBe(1);
    await s.timers.advance(30_000);
    expect(s.observed()).toBe(2);
    await s.sweeper.stop();
    await s.timers.advance(120_000);
    expect(s.observed()).toBe(2);
    expect(s.timers.pendingTimers).toBe(0);
  });

  it("a failed sweep does not stop the loop", async () => {
    const s = setup();
    s.fleet.failNext("list", new Error("EC2 down"));
    s.sweeper.start(10);
    await s.timers.advance(1_000);
    expect(s.observed()).toBe(1);
    await s.timers.advance(10_000);
    expect(s.observed()).toBe(2);
    await s.sweeper.stop();
  });
});
