import { describe, expect, it } from "vitest";
import type { FigureResult } from "../../../bench/harness/figure.js";
import { markdownTable, replaceBetween, resultsMarkdown } from "../../../bench/harness/results-markdown.js";

const header = {
  startedAt: "2026-11-25T20:26:40.123Z",
  seconds: 552,
  machine: { cpus: 2, cpuModel: "Intel Xeon", memoryMiB: 24_105, os: "Linux", node: "v20.20.2" },
  latency: { githubMs: 80, runInstancesMs: 400, ec2Ms: 50, sqsMs: 10 },
  loadAverage: { start: 0.4, end: 1.9 },
  failedRuns: [] as string[],
};

const figure: FigureResult = {
  id: "ec2",
  label: "Burst: EC2 calls per job",
  unit: "per-job",
  scenario: "burst",
  summary: { median: 1.02, min: 1.02, max: 1.02, runs: 1 },
  verdict: "fail",
  target: { op: "<=", value: 0.2, on: "median", source: "issue 3" },
};

describe("resultsMarkdown", () => {
  it("names the date, duration, machine and latencies, then one table row per figure", () => {
    const text = resultsMarkdown(header, [figure]);
    expect(text).toContain(
      "Run 2026-11-25 20:26 UTC, 9.2 min in all, on 2 × Intel Xeon, 24 GiB, Linux, Node v20.20.2",
    );
    expect(text).toContain(
      "latency GitHub 80 ms, RunInstances 400 ms, other EC2 50 ms, SQS 10 ms; load average 0.4 at the start, 1.9 at the end.",
    );
    expect(text).toContain(
      "| burst    | Burst: EC2 calls per job | 1.02/job | 1.02/job | 1.02/job | ≤ 0.2/job | fail   | 1    |",
    );
    expect(text).not.toContain("did not reach");
  });

  it("lists runs that did not finish, and escapes pipes in cells", () => {
    const text = resultsMarkdown({ ...header, failedRuns: ["burst run 1 (stalled)"] }, [
      { ...figure, label: "a | b", verdict: "info", target: undefined },
    ]);
    expect(text).toContain("| burst    | a \\| b | 1.02/job |");
    expect(text).toContain("Runs that did not reach their end state: burst run 1 (stalled).");
  });
});

describe("replaceBetween", () => {
  it("replaces what lies between the markers and keeps the rest", () => {
    const text = "intro\n<!-- s -->\nold\n<!-- e -->\noutro\n";
    expect(replaceBetween(text, "<!-- s -->", "<!-- e -->", "new")).toBe(
      "intro\n<!-- s -->\nnew\n<!-- e -->\noutro\n",
    );
  });

  it("refuses a text without the markers", () => {
    expect(() => replaceBetween("no markers", "<!-- s -->", "<!-- e -->", "x")).toThrow(/not found/);
  });
});

describe("markdownTable", () => {
  it("pads every column to its widest cell, with a dash rule at least 3 wide", () => {
    expect(
      markdownTable(
        ["A", "Figure"],
        [
          ["x", "y"],
          ["long cell", ""],
        ],
      ),
    ).toEqual([
      "| A         | Figure |",
      "| --------- | ------ |",
      "| x         | y      |",
      "| long cell |        |",
    ]);
  });
});
