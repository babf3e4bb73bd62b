import { describe, expect, it } from "vitest";
import { defaultBurstPoints, EndpointBudget, pointsFor } from "../../../src/github/endpoint-budget.js";
import { TokenBucket } from "../../../src/rate/token-bucket.js";

describe("EndpointBudget", () => {
  it.each([
    ["GET", 1],
    ["HEAD", 1],
    ["POST", 5],
    ["DELETE", 5],
    ["patch", 5],
  ])("%s costs %i point(s)", (method, points) => {
    expect(pointsFor(method)).toBe(points);
  });

  it("never lets one endpoint spend more than 900 points in any 60 s window", async () => {
    let clock = 0;
    const sleep = async (ms: number) => {
      clock += ms;
    };
    const budget = new EndpointBudget({ pointsPerMinute: 800, burstPoints: 50, now: () => clock, sleep });
    const sent: number[] = [];
    while (clock < 180_000) {
      await budget.take("42", "POST", "/orgs/{org}/actions/runners/generate-jitconfig");
      sent.push(clock);
    }
    for (const start of sent) {
      const inWindow = sent.filter((t) => t >= start && t < start + 60_000).length;
      expect(inWindow * 5).toBeLessThanOrEqual(900);
    }
    // And not needlessly slow: 800/5 = 160 writes a minute after the burst of 10.
    expect(sent.length).toBeGreaterThanOrEqual(10 + 160 * 3 - 1);
  });

  it("keeps separate budgets per endpoint and per installation", async () => {
    const budget = new EndpointBudget({ pointsPerMinute: 60, burstPoints: 5, now: () => 0 });
    await budget.take("1", "POST", "/a");
    await budget.take("1", "POST", "/b");
    await budget.take("2", "POST", "/a");
    const blocked = await Promise.race([
      budget.take("1", "POST", "/a").then(() => "sent"),
      new Promise((r) => setTimeout(() => r("blocked"), 20)),
    ]);
    expect(blocked).toBe("blocked");
  });

  it("lets a caller that hung up leave the queue without spending the next turn", async () => {
    let clock = 0;
    const budget = new EndpointBudget({ pointsPerMinute: 60, burstPoints: 5, now: () => clock });
    await budget.take("1", "POST", "/a"); // the burst: one write
    const gone = new AbortController();
    const waiting = budget.take("1", "POST", "/a", gone.signal);
    gone.abort(new Error("client closed"));
    await expect(waiting).rejects.toThrow("client closed");
    clock += 5_000; // one write's worth of points again
    const next = await Promise.race([
      budget.take("1", "POST", "/a").then(() => "sent"),
      new Promise((r) => setTimeout(() => r("blocked"), 20)),
    ]);
    expect(next).toBe("sent");
  });

  it.each([
    [800, 50],
    [875, 25],
    [900, 5],
    [100, 50],
  ])("at %i points a minute bursts %i points by default", (ppm, burst) => {
    expect(defaultBurstPoints(ppm)).toBe(burst);
  });

  it("sends a JIT config only when the org's registration bucket has a token too, and takes both at once", async () => {
    let clock = 0;
    const sleep = async (ms: number) => {
      clock += ms;
    };
    // The endpoint allows a write every 0.33 s; the org one registration a second, two at once.
    const budget = new EndpointBudget({ pointsPerMinute: 900, burstPoints: 5, now: () => clock, sleep });
    const org = new TokenBucket({ capacity: 2, refillPerSecond: 1, now: () => clock });
    const sent: number[] = [];
    while (clock < 10_000) {
      await budget.take("1", "POST", "/orgs/{org}/actions/runners/generate-jitconfig", undefined, org);
      sent.push(clock);
    }
    // The org's pace governs: 2 at once, then 1 a second — and the endpoint never ran ahead of it.
    expect(sent.length).toBeGreaterThanOrEqual(11);
    expect(sent.length).toBeLessThanOrEqual(12);
    for (const start of sent) {
      expect(sent.filter((t) => t >= start && t < start + 1_000).length).toBeLessThanOrEqual(2);
    }
  });

  it("serves waiting callers in order with one wake-up per turn, not one per waiter", async () => {
    let clock = 0;
    let wakeUps = 0;
    const sleep = async (ms: number) => {
      wakeUps++;
      clock += ms;
    };
    const budget = new EndpointBudget({ pointsPerMinute: 60, burstPoints: 5, now: () => clock, sleep });
    const order: number[] = [];
    await Promise.all(
      Array.from({ length: 50 }, (_, i) => budget.take("1", "POST", "/a").then(() => order.push(i))),
    );
    expect(order).toEqual(Array.from({ length: 50 }, (_, i) => i));
    expect(wakeUps).toBe(49);
    expect(clock).toBe(49 * 5_000);
  });
});
