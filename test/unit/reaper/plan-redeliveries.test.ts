import { describe, expect, it } from "vitest";
import type { Delivery } from "../../../src/github/deliveries.js";
import { planRedeliveries } from "../../../src/reaper/plan-redeliveries.js";

const d = (
  id: number,
  guid: string,
  statusCode: number,
  deliveredAt: number,
  event = "workflow_job",
): Delivery => ({
  id,
  guid,
  statusCode,
  deliveredAt,
  event,
  action: "queued",
  redelivery: false,
});

describe("planRedeliveries", () => {
  it.each([
    ["a failed delivery is redelivered", [d(1, "a", 502, 10)], [1]],
    ["a timed-out delivery (no status) is redelivered", [d(1, "a", 0, 10)], [1]],
    ["a success needs nothing", [d(1, "a", 200, 10)], []],
    ["a GUID with any successful attempt needs nothing", [d(1, "a", 502, 10), d(2, "a", 200, 20)], []],
    ["only the newest failed attempt of a GUID", [d(1, "a", 502, 10), d(2, "a", 503, 20)], [2]],
    ["other events are not Mayfly's business", [d(1, "a", 502, 10, "push")], []],
    ["several GUIDs, oldest first", [d(2, "b", 500, 20), d(1, "a", 500, 10)], [1, 2]],
    [
      "a GUID that failed more than 5 times is given up",
      [1, 2, 3, 4, 5, 6].map((i) => d(i, "a", 500, i)),
      [],
    ],
  ])("%s", (_, deliveries, ids) => {
    const plan = planRedeliveries({
      deliveries,
      recentlyRedelivered: new Map(),
      now: 1000,
      retryAfterMs: 300,
    });
    expect(plan.map((p) => p.id)).toEqual(ids);
  });

  it("does not repeat a redelivery still in flight, and retries it later", () => {
    const deliveries = [d(1, "a", 502, 10)];
    const recent = new Map([["a", 900]]);
    expect(
      planRedeliveries({ deliveries, recentlyRedelivered: recent, now: 1000, retryAfterMs: 300 }),
    ).toEqual([]);
    expect(
      planRedeliveries({ deliveries, recentlyRedelivered: recent, now: 1201, retryAfterMs: 300 }),
    ).toHaveLength(1);
  });
});
