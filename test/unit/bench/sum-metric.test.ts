import { describe, expect, it } from "vitest";
import { sumMetric } from "../../../bench/harness/sum-metric.js";

const TEXT = `# HELP mayfly_runners Runners by pool and state
# TYPE mayfly_runners gauge
mayfly_runners{pool="small",state="idle"} 9000
mayfly_runners{pool="large",state="idle"} 1000
mayfly_runners{pool="small",state="booting"} 7
mayfly_runners_total 5
mayfly_reaps_total{reason="boot-timeout",action="terminated"} 2
`;

describe("sumMetric", () => {
  it.each([
    { name: "mayfly_runners", where: {}, expected: 10_007 },
    { name: "mayfly_runners", where: { state: "idle" }, expected: 10_000 },
    { name: "mayfly_runners", where: { state: "idle", pool: "large" }, expected: 1000 },
    { name: "mayfly_runners_total", where: {}, expected: 5 },
    { name: "mayfly_runners", where: { state: "busy" }, expected: undefined },
    { name: "mayfly_missing", where: {}, expected: undefined },
  ])("$name $where → $expected", ({ name, where, expected }) => {
    expect(sumMetric(TEXT, name, where as Record<string, string>)).toBe(expected);
  });
});
