import { describe, expect, it } from "vitest";
import { secondsToNth, total } from "../../../bench/harness/world-watch.js";

describe("secondsToNth", () => {
  it.each([
    { times: [3_000, 1_000, 2_000], n: 3, from: 0, expected: 3 },
    { times: [3_000, 1_000, 2_000], n: 1, from: 500, expected: 0.5 },
    { times: [3_000, 1_000], n: 3, from: 0, expected: undefined },
    { times: [1_000], n: 0, from: 0, expected: undefined },
  ])("the $n-th of $times from $from → $expected s", ({ times, n, from, expected }) => {
    expect(secondsToNth(times, n, from)).toBe(expected);
  });
});

describe("total", () => {
  it("adds a record's counts", () => {
    expect(total({ RunInstances: 12, DescribeInstances: 30 })).toBe(42);
    expect(total({})).toBe(0);
  });
});
