import type { Summary } from "./summarize.js";

/** What a benchmark reports: figures with units and, where an issue or a document sets one, a target. */

export const UNITS = ["ms", "s", "count", "per-job", "per-min", "MiB", "KiB", "req/s"] as const;
export type Unit = (typeof UNITS)[number];

export interface Target {
  op: "<=" | ">=";
  value: number;
  /** The statistic over the runs that is judged: the median run, or the worst run. */
  on: "median" | "worst";
  /** Where the target comes from (an issue, a documented limit). */
  source: string;
}

export interface FigureSpec {
  id: string;
  label: string;
  unit: Unit;
  target?: Target;
}

export const VERDICTS = ["pass", "fail", "info", "no data"] as const;
export type Verdict = (typeof VERDICTS)[number];

export interface FigureResult extends FigureSpec {
  scenario: string;
  summary?: Summary;
  verdict: Verdict;
}

/** Pass or fail against the target; "info" when there is none; "no data" when no run produced a value. */
export function judge(spec: FigureSpec, summary: Summary | undefined): Verdict {
  if (!summary) return "no data";
  const target = spec.target;
  if (!target) return "info";
  const worst = target.op === "<=" ? summary.max : summary.min;
  const value = target.on === "median" ? summary.median : worst;
  const ok = target.op === "<=" ? value <= target.value : value >= target.value;
  return ok ? "pass" : "fail";
}
