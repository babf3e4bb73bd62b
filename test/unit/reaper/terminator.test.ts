import { afterEach, describe, expect, it, vi } from "vitest";
import type { Fleet } from "../../../src/aws/fleet.js";
import { createTerminator } from "../../../src/reaper/terminator.js";

/**
 * The spacing tests run on vitest's fake timers (the terminator times its calls with setTimeout and
 * Date.now), so the schedule asserted is exact and a loaded machine cannot stretch it.
 */
afterEach(() => {
  vi.useRealTimers();
});

function recordingFleet() {
  const calls: { at: number; ids: string[] }[] = [];
  const fleet = {
    terminate: async (ids: readonly string[]) => {
      calls.push({ at: Date.now(), ids: [...ids] });
    },
  } as unknown as Fleet;
  return { fleet, calls };
}

describe("terminator", () => {
  it("sends terminations that arrive together in one call", async () => {
    const { fleet, calls } = recordingFleet();
    const terminator = createTerminator({ fleet, windowMs: 10, spacingMs: 200 });
    await Promise.all([terminator.terminate(["i-1"]), terminator.terminate(["i-2", "i-3"])]);
    expect(calls.map((c) => c.ids)).toEqual([["i-1", "i-2", "i-3"]]);
  });

  it("while terminations keep coming, sends at most one call per spacing, carrying all of them", async () => {
    vi.useFakeTimers({ now: 0 });
    const { fleet, calls } = recordingFleet();
    const terminator = createTerminator({ fleet, windowMs: 5, spacingMs: 150 });
    const done: Promise<void>[] = [];
    for (let i = 0; i < 12; i++) {
      done.push(terminator.terminate([`i-${i}`]));
      await vi.advanceTimersByTimeAsync(25);
    }
    await vi.runAllTimersAsync();
    await Promise.all(done);
    // 12 requests, one per 25 ms: the first goes out after the 5 ms window, then one call per 150 ms
    // carries everything asked for since.
    expect(calls).toEqual([
      { at: 5, ids: ["i-0"] },
      { at: 155, ids: ["i-1", "i-2", "i-3", "i-4", "i-5", "i-6"] },
      { at: 305, ids: ["i-7", "i-8", "i-9", "i-10", "i-11"] },
    ]);
  });

  it("after a quiet spell, sends at once again", async () => {
    vi.useFakeTimers({ now: 0 });
    const { fleet, calls } = recordingFleet();
    const terminator = createTerminator({ fleet, windowMs: 5, spacingMs: 100 });
    const first = terminator.terminate(["i-1"]);
    await vi.advanceTimersByTimeAsync(5);
    await first;
    await vi.advanceTimersByTimeAsync(150);
    const second = terminator.terminate(["i-2"]);
    await vi.advanceTimersByTimeAsync(5);
    await second;
    // Only the 5 ms window, no spacing: the last call was 150 ms ago, more than spacingMs.
    expect(calls).toEqual([
      { at: 5, ids: ["i-1"] },
      { at: 160, ids: ["i-2"] },
    ]);
  });

  it("passes a failed call to every waiter", async () => {
    const fleet = {
      terminate: async () => {
        throw new Error("UnauthorizedOperation");
      },
    } as unknown as Fleet;
    const terminator = createTerminator({ fleet, windowMs: 5 });
    const results = await Promise.allSettled([terminator.terminate(["i-1"]), terminator.terminate(["i-2"])]);
    expect(results.map((r) => r.status)).toEqual(["rejected", "rejected"]);
  });
});
