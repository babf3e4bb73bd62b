import { describe, expect, it } from "vitest";
import { percentile } from "../../../bench/harness/percentile.js";

describe("percentile (nearest rank)", () => {
  it.each([
    { samples: [5, 1, 4, 2, 3], p: 50, expected: 3 },
    { samples: [5, 1, 4, 2, 3], p: 0, expected: 1 },
    { samples: [5, 1, 4, 2, 3], p: 100, expected: 5 },
    { samples: [5, 1, 4, 2, 3], p: 99, expected: 5 },
    { samples: [5, 1, 4, 2, 3], p: 20, expected: 1 },
    { samples: [5, 1, 4, 2, 3], p: 21, expected: 2 },
    { samples: [7], p: 99, expected: 7 },
    { samples: Array.from({ length: 100 }, (_, i) => i + 1), p: 99, expected: 99 },
    { samples: Array.from({ length: 1000 }, (_, i) => 1000 - i), p: 99, expected: 990 },
  ])("p$p of $samples.length samples is $expected", ({ samples, p, expected }) => {
    expect(percentile(samples, p)).toBe(expected);
  });

  it("is undefined without samples", () => {
    expect(percentile([], 50)).toBeUndefined();
  });

  it("leaves the caller's array in its order", () => {
    const samples = [3, 1, 2];
    percentile(samples, 50);
    expect(samples).toEqual([3, 1, 2]);
  });

  it.each([-1, 101, Number.NaN])("refuses p = %s", (p) => {
    expect(() => percentile([1], p)).toThrow(RangeError);
  });
});
