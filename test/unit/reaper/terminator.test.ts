import { describe, expect, it } from "vitest";
import { createTerminator } from "../../../src/reaper/terminator.js";
import { ManualTimers } from "../../helpers/manual-timers.js";

/** On ManualTimers the schedule asserted is exact and a loaded machine cannot stretch it. */
function recordingFleet(timers: ManualTimers, start: number) {
  const calls: { at: number; ids: string[] }[] = [];
  const fleet = {
    terminate: async (ids: readonly string[]) => {
      calls.push({ at: timers.now() - start, ids: [...ids] });
    },
  };
  return { fleet, calls };
}

function setup(windowMs: number, spacingMs?: number) {
  const timers = new ManualTimers();
  const start = timers.now();
  const { fleet, calls } = recordingFleet(timers, start);
  const terminator = createTerminator({ fleet, windowMs, spacingMs, timers });
  return { timers, calls, terminator };
}

describe("terminator", () => {
  it("sends terminations that arrive together in one call, each id once", async () => {
    const { timers, calls, terminator } = setup(10, 200);
    const done = Promise.all([terminator.terminate(["i-1"]), terminator.terminate(["i-2", "i-3", "i-1"])]);
    await timers.advance(10);
    await done;
    expect(calls).toEqual([{ at: 10, ids: ["i-1", "i-2", "i-3"] }]);
  });

  it("while terminations keep coming, sends at most one call per spacing, carrying all of them", async () => {
    const { timers, calls, terminator } = setup(5, 150);
    const done: Promise<void>[] = [];
    for (let i = 0; i < 12; i++) {
      done.push(terminator.terminate([`i-${i}`]));
      await timers.advance(25);
    }
    await timers.advance(1_000);
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
    const { timers, calls, terminator } = setup(5, 100);
    const first = terminator.terminate(["i-1"]);
    await timers.advance(5);
    await first;
    await timers.advance(150);
    const second = terminator.terminate(["i-2"]);
    await timers.advance(5);
    await second;
    // Only the 5 ms window, no spacing: the last call was 150 ms ago, more than spacingMs.
    expect(calls).toEqual([
      { at: 5, ids: ["i-1"] },
      { at: 160, ids: ["i-2"] },
    ]);
  });

  it("resolves at once when asked to terminate nothing", async () => {
    const { timers, calls, terminator } = setup(5);
    await terminator.terminate([]);
    expect(calls).toEqual([]);
    expect(timers.pendingTimers).toBe(0);
  });

  it("passes a failed call to every waiter", async () => {
    const timers = new ManualTimers();
    const fleet = {
      terminate: async () => {
        throw new Error("UnauthorizedOperation");
      },
    };
    const terminator = createTerminator({ fleet, windowMs: 5, timers });
    const results = Promise.allSettled([terminator.terminate(["i-1"]), terminator.terminate(["i-2"])]);
    await timers.advance(5);
    expect((await results).map((r) => r.status)).toEqual(["rejected", "rejected"]);
  });
});
