import { describe, expect, it } from "vitest";
import { maxInWindow } from "../../../bench/harness/max-in-window.js";

describe("maxInWindow", () => {
  it.each([
    { times: [], window: 60_000, expected: 0 },
    { times: [5], window: 60_000, expected: 1 },
    { times: [0, 59_999, 60_000], window: 60_000, expected: 2 },
    { times: [60_000, 0, 30_000, 59_999, 119_999], window: 60_000, expected: 3 },
    { times: [0, 1, 2, 100, 101], window: 2, expected: 2 },
    { times: [0, 0, 0], window: 1, expected: 3 },
  ])("$times in $window ms → $expected", ({ times, window, expected }) => {
    expect(maxInWindow(times, window)).toBe(expected);
  });

  it("counts 160 a minute at a steady 160 a minute", () => {
    const times = Array.from({ length: 1000 }, (_, i) => i * 375);
    expect(maxInWindow(times, 60_000)).toBe(160);
  });
});
