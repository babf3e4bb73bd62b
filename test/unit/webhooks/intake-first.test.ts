import { describe, expect, it } from "vitest";
import { createIntakeFirst } from "../../../src/webhooks/intake-first.js";
import { ManualTimers } from "../../helpers/manual-timers.js";

/** Other roles' work waits while many webhook deliveries are being answered, never past the limit. */

function settledFlag(promise: Promise<void>) {
  const state = { settled: false };
  void promise.then(() => {
    state.settled = true;
  });
  return state;
}
const flush = () => new Promise((resolve) => setImmediate(resolve));

describe("intake first", () => {
  it("lets other work go at once while few deliveries are in flight", async () => {
    const gate = createIntakeFirst({ busyAt: 2, maxWaitMs: 3_000, timers: new ManualTimers() });
    gate.enter();
    gate.enter();
    const turn = settledFlag(gate.turn());
    await flush();
    expect(turn.settled).toBe(true);
  });

  it("holds other work while deliveries pile up, and lets it go as they drain", async () => {
    const gate = createIntakeFirst({ busyAt: 2, maxWaitMs: 3_000, timers: new ManualTimers() });
    const leaves = [gate.enter(), gate.enter(), gate.enter(), gate.enter()];
    const turn = settledFlag(gate.turn());
    leaves[0]!();
    leaves[0]!(); // leaving twice counts once
    await flush();
    expect(gate.inFlight).toBe(3);
    expect(turn.settled).toBe(false);
    leaves[1]!();
    await flush();
    expect(turn.settled).toBe(true);
  });

  it("never holds work past maxWaitMs under a steady flood, nor once its caller gave up", async () => {
    const timers = new ManualTimers();
    const gate = createIntakeFirst({ busyAt: 0, maxWaitMs: 3_000, timers });
    gate.enter();
    const flooded = settledFlag(gate.turn());
    const caller = new AbortController();
    const gaveUp = settledFlag(gate.turn(caller.signal));
    await timers.advance(2_999);
    expect(flooded.settled).toBe(false);
    caller.abort();
    await flush();
    expect(gaveUp.settled).toBe(true);
    await timers.advance(1);
    expect(flooded.settled).toBe(true);
  });
});
