import { describe, expect, it } from "vitest";
import type { FigureResult } from "../../../bench/harness/figure.js";
import { formatTable, formatValue } from "../../../bench/harness/format-table.js";

describe("formatValue", () => {
  it.each([
    { value: 1234.5678, unit: "ms", text: "1235 ms" },
    { value: 0.123456, unit: "per-job", text: "0.123/job" },
    { value: 12.345, unit: "s", text: "12.3 s" },
    { value: 160, unit: "per-min", text: "160/min" },
    { value: 0, unit: "count", text: "0" },
    { value: 405.2, unit: "req/s", text: "405 req/s" },
    { value: undefined, unit: "MiB", text: "—" },
    { value: Number.NaN, unit: "KiB", text: "—" },
  ] as const)("$value $unit → $text", ({ value, unit, text }) => {
    expect(formatValue(value, unit)).toBe(text);
  });
});

describe("formatTable", () => {
  const row = (over: Partial<FigureResult>): FigureResult => ({
    id: "f",
    label: "Burst: EC2 calls per job",
    unit: "per-job",
    scenario: "burst",
    summary: { median: 0.15, min: 0.1, max: 0.3, runs: 3 },
    verdict: "pass",
    target: { op: "<=", value: 0.2, on: "median", source: "issue 3" },
    ...over,
  });

  it("prints a header, a rule and one aligned row per figure with target and result", () => {
    const lines = formatTable([row({}), row({ label: "Short", verdict: "info", target: undefined })]).split(
      "\n",
    );
    expect(lines).toHaveLength(4);
    expect(lines[0]).toMatch(/^Scenario\s+Figure\s+Median\s+Min\s+Max\s+Target\s+Result\s+Runs$/);
    expect(lines[2]).toMatch(
      /^burst\s+Burst: EC2 calls per job\s+0\.15\/job\s+0\.1\/job\s+0\.3\/job\s+<= 0\.2\/job\s+PASS\s+3$/,
    );
    expect(lines[3]).toMatch(/^burst\s+Short\s+0\.15\/job\s+0\.1\/job\s+0\.3\/job\s+3$/);
    expect(lines[2]!.indexOf("0.15/job")).toBe(lines[0]!.indexOf("Median"));
  });

  it("marks the worst-run targets and shows figures without data", () => {
    const text = formatTable([
      row({
        summary: undefined,
        verdict: "no data",
        target: { op: "<=", value: 0, on: "worst", source: "t" },
      }),
    ]);
    expect(text).toContain("<= 0/job (worst)");
    expect(text).toMatch(/—\s+—\s+—/);
    expect(text).toContain("NO DATA");
  });
});
