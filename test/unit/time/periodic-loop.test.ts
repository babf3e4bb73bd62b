import { describe, expect, it } from "vitest";
import { startPeriodicLoop } from "../../../src/time/periodic-loop.js";
import { ManualTimers } from "../../helpers/manual-timers.js";

describe("startPeriodicLoop", () => {
  it("runs after the first delay, then every interval after each pass settles", async () => {
    const timers = new ManualTimers();
    const start = timers.now();
    const runs: number[] = [];
    const loop = startPeriodicLoop({
      timers,
      firstDelayMs: 1_000,
      intervalMs: 5_000,
      run: async () => runs.push(timers.now() - start),
      onError: () => {},
    });
    await timers.advance(11_000);
    expect(runs).toEqual([1_000, 6_000, 11_000]);
    await loop.stop();
    await timers.advance(20_000);
    expect(runs).toHaveLength(3);
  });

  it("never overlaps passes: a slow pass delays the next", async () => {
    const timers = new ManualTimers();
    let active = 0;
    let maxActive = 0;
    let passes = 0;
    const loop = startPeriodicLoop({
      timers,
      intervalMs: 100,
      run: async () => {
        active++;
        maxActive = Math.max(maxActive, active);
        await new Promise<void>((resolve) => timers.setTimeout(resolve, 250));
        active--;
        passes++;
      },
      onError: () => {},
    });
    await timers.advance(1_000);
    expect(maxActive).toBe(1);
    expect(passes).toBe(2);
    const stopping = loop.stop();
    await timers.advance(250);
    await stopping;
    expect(passes).toBe(3);
  });

  it("reports a failed pass and keeps going", async () => {
    const timers = new ManualTimers();
    const errors: unknown[] = [];
    let calls = 0;
    const loop = startPeriodicLoop({
      timers,
      intervalMs: 10,
      run: async () => {
        calls++;
        if (calls === 1) throw new Error("first fails");
      },
      onError: (error) => errors.push(error),
    });
    await timers.advance(30);
    expect(errors).toHaveLength(1);
    expect(calls).toBe(3);
    await loop.stop();
  });

  it("stop waits for the pass in progress", async () => {
    const timers = new ManualTimers();
    let finished = false;
    const loop = startPeriodicLoop({
      timers,
      intervalMs: 10,
      run: async () => {
        await new Promise<void>((resolve) => timers.setTimeout(resolve, 100));
        finished = true;
      },
      onError: () => {},
    });
    await timers.advance(10);
    const stopping = loop.stop();
    await timers.advance(100);
    await stopping;
    expect(finished).toBe(true);
  });
});
