import { pino } from "pino";
import { describe, expect, it } from "vitest";
import type { Delivery } from "../../../src/github/deliveries.js";
import { createRedeliverer } from "../../../src/reaper/redeliverer.js";
import { reaperHarness } from "./reaper-harness.js";

function setup(deliveries: Delivery[]) {
  const h = reaperHarness();
  const redelivered: number[] = [];
  const asked: number[] = [];
  const redeliverer = createRedeliverer({
    deliveries: {
      async listSince(since) {
        asked.push(since);
        return deliveries;
      },
      async redeliver(id) {
        if (id === 13) throw new Error("GitHub said no");
        redelivered.push(id);
      },
    },
    report: h.report,
    log: pino({ level: "silent" }),
    now: h.timers.now,
    timers: h.timers,
  });
  return { ...h, redeliverer, redelivered, asked };
}

const delivery = (id: number, statusCode: number, event = "workflow_job"): Delivery => ({
  id,
  guid: `g-${id}`,
  deliveredAt: 1_699_999_000_000,
  statusCode,
  event,
  action: "completed",
  redelivery: false,
});

describe("redeliverer", () => {
  it("redelivers failed workflow_job deliveries once, reporting each, and goes on past a failure", async () => {
    const s = setup([delivery(1, 502), delivery(2, 200), delivery(3, 0, "ping"), delivery(13, 500)]);
    expect(await s.redeliverer.pass()).toBe(1);
    expect(s.redelivered).toEqual([1]);
    expect(s.events.list({ kinds: ["webhook.redelivered"] })).toEqual([
      expect.objectContaining({ message: expect.stringContaining("g-1") }),
    ]);
    // Within the retry window the same failed delivery is not redelivered again.
    expect(await s.redeliverer.pass()).toBe(0);
  });

  it("runs its first pass two seconds after start, then every interval, until stopped", async () => {
    const s = setup([]);
    s.redeliverer.start(60);
    await s.timers.advance(1_999);
    expect(s.asked).toHaveLength(0);
    await s.timers.advance(1);
    expect(s.asked).toHaveLength(1);
    await s.timers.advance(60_000);
    expect(s.asked).toHaveLength(2);
    await s.redeliverer.stop();
    await s.timers.advance(600_000);
    expect(s.asked).toHaveLength(2);
  });
});
