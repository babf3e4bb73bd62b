import { describe, expect, it } from "vitest";
import { EndpointBudget, pointsFor } from "../../../src/github/endpoint-budget.js";

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
});
