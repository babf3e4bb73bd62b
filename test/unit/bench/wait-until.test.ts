import { describe, expect, it } from "vitest";
import { BenchTimeoutError, waitForCount, waitUntil, within } from "../../../bench/harness/wait-until.js";

describe("waitUntil", () => {
  it("returns the first truthy value", async () => {
    let n = 0;
    await expect(
      waitUntil("n to reach 3", () => ++n >= 3 && n, { timeoutMs: 1_000, everyMs: 1 }),
    ).resolves.toBe(3);
  });

  it("names what it waited for and how far it got", async () => {
    const wait = waitUntil("the runners", () => false, {
      timeoutMs: 20,
      everyMs: 5,
      progress: () => "2 of 5",
    });
    await expect(wait).rejects.toThrow(
      new BenchTimeoutError("timed out after 0 s waiting for the runners (2 of 5)"),
    );
  });

  it("stops at once when the run is aborted", async () => {
    const abort = new AbortController();
    abort.abort();
    await expect(waitUntil("x", () => true, { timeoutMs: 1_000, signal: abort.signal })).rejects.toThrow(
      /passed its time limit/,
    );
  });
});

describe("waitForCount", () => {
  it("reports reaching the target and each further tenth on the way", async () => {
    let n = 0;
    const steps: number[] = [];
    const result = await waitForCount(() => (n += 10), 50, {
      timeoutMs: 1_000,
      stallMs: 1_000,
      everyMs: 1,
      onStep: (s) => steps.push(s),
    });
    expect(result).toEqual({ reached: true, count: 50 });
    expect(steps).toEqual([20, 30, 40]);
  });

  it("gives up when the count stops moving, saying where it stalled", async () => {
    const result = await waitForCount(() => 7, 10, { timeoutMs: 5_000, stallMs: 30, everyMs: 5 });
    expect(result.reached).toBe(false);
    expect(result.why).toMatch(/^stalled at 7 of 10 for 0.03 s/);
  });

  it("gives up at the timeout while the count still moves", async () => {
    let n = 0;
    const result = await waitForCount(() => n++, 1_000_000, { timeoutMs: 30, stallMs: 1_000, everyMs: 5 });
    expect(result.reached).toBe(false);
    expect(result.why).toMatch(/ of 1000000 after 0 s$/);
  });
});

describe("within", () => {
  it("passes a result through and times out a promise that hangs", async () => {
    await expect(within(Promise.resolve(1), 50, "quick")).resolves.toBe(1);
    await expect(within(new Promise(() => undefined), 10, "the sweep")).rejects.toThrow(
      "the sweep did not finish within 0 s",
    );
  });
});
