import { describe, expect, it } from "vitest";
import { createRefusalSummary, type Summary } from "../../../src/bootstrap/refusal-summary.js";

describe("refusal summary", () => {
  it("turns a flood of refusals into one event per interval, with counts by reason", () => {
    const emitted: Summary[] = [];
    const timers: Array<() => void> = [];
    const summary = createRefusalSummary({
      emit: (s) => emitted.push(s),
      schedule: (run) => timers.push(run),
    });
    for (let i = 0; i < 800; i++) summary.add({ reason: "token-invalid", detail: "garbage" });
    summary.add({ reason: "already-enrolled", detail: "used", instanceId: "i-0123456789abcdef0" });
    for (let i = 0; i < 3; i++) summary.add({ reason: "rate-limited", detail: "slow down" });
    expect(emitted).toEqual([]);
    expect(timers).toHaveLength(1);
    timers.shift()!();
    expect(emitted).toEqual([
      {
        total: 804,
        byReason: { "token-invalid": 800, "already-enrolled": 1, "rate-limited": 3 },
        latest: { reason: "already-enrolled", detail: "used", instanceId: "i-0123456789abcdef0" },
        intervalMs: 10_000,
      },
    ]);
    summary.add({ reason: "token-invalid", detail: "garbage" });
    expect(timers).toHaveLength(1);
    timers.shift()!();
    expect(emitted[1]).toMatchObject({ total: 1, byReason: { "token-invalid": 1 } });
    expect(emitted[1]!.latest).toBeUndefined();
  });

  it("says nothing for a quiet interval", () => {
    const emitted: Summary[] = [];
    const summary = createRefusalSummary({ emit: (s) => emitted.push(s), schedule: () => {} });
    summary.flush();
    expect(emitted).toEqual([]);
  });
});
