import { describe, expect, it } from "vitest";
import type { Fleet } from "../../../src/aws/fleet.js";
import { createTerminator } from "../../../src/reaper/terminator.js";

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

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
    const { fleet, calls } = recordingFleet();
    const terminator = createTerminator({ fleet, windowMs: 5, spacingMs: 150 });
    const done: Promise<void>[] = [];
    for (let i = 0; i < 12; i++) {
      done.push(terminator.terminate([`i-${i}`]));
      await sleep(25);
    }
    await Promise.all(done);
    // 12 requests over ~300 ms: the first after 5 ms, then one per 150 ms.
    expect(calls.length).toBeGreaterThanOrEqual(2);
    expect(calls.length).toBeLessThanOrEqual(4);
    expect(calls.flatMap((c) => c.ids).sort()).toEqual(Array.from({ length: 12 }, (_, i) => `i-${i}`).sort());
    for (let i = 1; i < calls.length; i++)
      expect(calls[i]!.at - calls[i - 1]!.at).toBeGreaterThanOrEqual(145);
  });

  it("after a quiet spell, sends at once again", async () => {
    const { fleet, calls } = recordingFleet();
    const terminator = createTerminator({ fleet, windowMs: 5, spacingMs: 100 });
    await terminator.terminate(["i-1"]);
    await sleep(150);
    const asked = Date.now();
    await terminator.terminate(["i-2"]);
    expect(calls[1]!.at - asked).toBeLessThan(50);
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
