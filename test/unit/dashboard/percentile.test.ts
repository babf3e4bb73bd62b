import { describe, expect, it } from "vitest";
import { percentile } from "../../../src/dashboard/percentile.js";

describe("percentile (nearest rank)", () => {
  it.each([
    ["no values", [], 50, undefined],
    ["one value is every percentile", [7], 90, 7],
    ["p50 of 1..10 is 5", [1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 50, 5],
    ["p90 of 1..10 is 9", [1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 90, 9],
    ["p100 is the maximum", [3, 1, 2], 100, 3],
    ["p0 is the minimum", [3, 1, 2], 0, 1],
    ["input order does not matter", [10, 1, 9, 2, 8, 3, 7, 4, 6, 5], 90, 9],
    ["p90 of 1..4 rounds the rank up", [1, 2, 3, 4], 90, 4],
    ["p50 of 1..4 is the lower middle", [4, 3, 2, 1], 50, 2],
    ["non-finite values are ignored", [Number.NaN, 5, Number.POSITIVE_INFINITY], 50, 5],
    ["out-of-range p is clamped", [1, 2, 3], 150, 3],
  ])("%s", (_, values, p, expected) => {
    expect(percentile(values, p)).toBe(expected);
  });

  it("does not reorder its input", () => {
    const values = [3, 1, 2];
    percentile(values, 50);
    expect(values).toEqual([3, 1, 2]);
  });
});
