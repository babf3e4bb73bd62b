import { describe, expect, it } from "vitest";
import { type FigureSpec, judge, type Target } from "../../../bench/harness/figure.js";

const spec = (target?: Target): FigureSpec => ({ id: "x", label: "x", unit: "count", target });
const runs = { median: 10, min: 5, max: 20, runs: 3 };

describe("judge", () => {
  it.each([
    { target: { op: "<=", value: 10, on: "median", source: "t" }, verdict: "pass" },
    { target: { op: "<=", value: 9, on: "median", source: "t" }, verdict: "fail" },
    { target: { op: "<=", value: 19, on: "worst", source: "t" }, verdict: "fail" },
    { target: { op: "<=", value: 20, on: "worst", source: "t" }, verdict: "pass" },
    { target: { op: ">=", value: 10, on: "median", source: "t" }, verdict: "pass" },
    { target: { op: ">=", value: 6, on: "worst", source: "t" }, verdict: "fail" },
    { target: { op: ">=", value: 5, on: "worst", source: "t" }, verdict: "pass" },
  ] as const)("$target.op $target.value on the $target.on run → $verdict", ({ target, verdict }) => {
    expect(judge(spec(target), runs)).toBe(verdict);
  });

  it("reports a figure without a target as info", () => {
    expect(judge(spec(), runs)).toBe("info");
  });

  it("reports no data when no run produced the figure, target or not", () => {
    expect(judge(spec({ op: "<=", value: 0, on: "worst", source: "t" }), undefined)).toBe("no data");
    expect(judge(spec(), undefined)).toBe("no data");
  });
});
