import { describe, expect, it } from "vitest";
import { summarize } from "../../../bench/harness/summarize.js";

describe("summarize over runs", () => {
  it.each([
    { values: [3, 1, 2], expected: { median: 2, min: 1, max: 3, runs: 3 } },
    { values: [4, 1, 3, 2], expected: { median: 2.5, min: 1, max: 4, runs: 4 } },
    { values: [9], expected: { median: 9, min: 9, max: 9, runs: 1 } },
    { values: [5, undefined, 1, Number.NaN], expected: { median: 3, min: 1, max: 5, runs: 2 } },
  ])("$values → $expected", ({ values, expected }) => {
    expect(summarize(values)).toEqual(expected);
  });

  it.each([[[]], [[undefined, Number.NaN]]])("is undefined when no run produced a value: %j", (values) => {
    expect(summarize(values)).toBeUndefined();
  });
});
