import { pino } from "pino";
import { describe, expect, it } from "vitest";
import { createObservationCache } from "../../../src/dashboard/observation-cache.js";
import type { Observation } from "../../../src/reaper/observe.js";
import { observation } from "./fixtures.js";

function setup() {
  let clock = 0;
  let calls = 0;
  let fail = false;
  let release: (() => void) | undefined;
  let hold = false;
  const observe = async (): Promise<Observation> => {
    calls += 1;
    if (hold) await new Promise<void>((r) => (release = r));
    if (fail) throw new Error("EC2 down");
    return observation([], [], clock);
  };
  const cache = createObservationCache({
    observe,
    ttlMs: 5000,
    now: () => clock,
    log: pino({ level: "silent" }),
  });
  return {
    cache,
    calls: () => calls,
    tick: (ms: number) => (clock += ms),
    fail: (v: boolean) => (fail = v),
    hold: (v: boolean) => (hold = v),
    release: () => release?.(),
  };
}

describe("observation cache", () => {
  it("shares one observation for the ttl, then observes again", async () => {
    const s = setup();
    expect((await s.cache.get()).observation.at).toBe(0);
    s.tick(4999);
    expect((await s.cache.get()).observation.at).toBe(0);
    expect(s.calls()).toBe(1);
    s.tick(1);
    expect((await s.cache.get()).observation.at).toBe(5000);
    expect(s.calls()).toBe(2);
  });

  it("never observes twice at once", async () => {
    const s = setup();
    s.hold(true);
    const all = Promise.all([s.cache.get(), s.cache.get(), s.cache.get()]);
    await Promise.resolve();
    s.release();
    const results = await all;
    expect(s.calls()).toBe(1);
    expect(new Set(results.map((r) => r.observation)).size).toBe(1);
  });

  it("serves the last good observation as stale after a failure, retrying once per ttl", async () => {
    const s = setup();
    await s.cache.get();
    s.fail(true);
    s.tick(5000);
    expect(await s.cache.get()).toMatchObject({ stale: true, error: "EC2 down", observation: { at: 0 } });
    s.tick(1000);
    expect(await s.cache.get()).toMatchObject({ stale: true });
    expect(s.calls()).toBe(2);
    s.fail(false);
    s.tick(5000);
    expect(await s.cache.get()).toMatchObject({ stale: false, observation: { at: 11_000 } });
  });

  it("fails when nothing was ever observed, without retrying before the ttl", async () => {
    const s = setup();
    s.fail(true);
    await expect(s.cache.get()).rejects.toThrow("EC2 down");
    await expect(s.cache.get()).rejects.toThrow("EC2 down");
    expect(s.calls()).toBe(1);
  });

  it("observes afresh after invalidate", async () => {
    const s = setup();
    await s.cache.get();
    s.cache.invalidate();
    await s.cache.get();
    expect(s.calls()).toBe(2);
  });
});
