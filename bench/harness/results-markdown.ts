import type { FigureResult } from "./figure.js";
import { FIGURE_COLUMNS, figureRow } from "./format-table.js";

export interface ResultsHeader {
  startedAt: string;
  seconds: number;
  machine: { cpus: number; cpuModel: string; memoryMiB: number; os: string; node: string };
  latency: { githubMs: number; runInstancesMs: number; ec2Ms: number; sqsMs: number };
  /** 1-minute load average when the bench started and when it ended. */
  loadAverage: { start: number; end: number };
  failedRuns: string[];
}

/** The "Latest results" section of docs/benchmarks.md: when, where, with what, and the table. */
export function resultsMarkdown(header: ResultsHeader, figures: readonly FigureResult[]): string {
  const { machine, latency } = header;
  const rows = figures.map((f) => figureRow(f, "markdown"));
  const lines = [
    `Run ${header.startedAt.slice(0, 16).replace("T", " ")} UTC, ${Math.round(header.seconds / 6) / 10} min in all, on ` +
      `${machine.cpus} × ${machine.cpuModel}, ${Math.round(machine.memoryMiB / 1024)} GiB, ${machine.os}, Node ${machine.node}; ` +
      `latency GitHub ${latency.githubMs} ms, RunInstances ${latency.runInstancesMs} ms, other EC2 ${latency.ec2Ms} ms, ` +
      `SQS ${latency.sqsMs} ms; load average ${header.loadAverage.start} at the start, ${header.loadAverage.end} at the end.`,
    "",
    ...markdownTable(FIGURE_COLUMNS, rows),
  ];
  if (header.failedRuns.length > 0)
    lines.push("", `Runs that did not reach their end state: ${header.failedRuns.join("; ")}.`);
  return lines.join("\n");
}

/** `text` with what lies between the two marker lines replaced by `content`; throws if a marker is missing. */
export function replaceBetween(text: string, start: string, end: string, content: string): string {
  const from = text.indexOf(start);
  const to = text.indexOf(end, from + start.length);
  if (from < 0 || to < 0) throw new Error(`markers ${start} … ${end} not found`);
  return `${text.slice(0, from + start.length)}\n${content}\n${text.slice(to)}`;
}

/** A table with every column padded to its widest cell, so it reads as well in a terminal as rendered. */
export function markdownTable(header: readonly string[], rows: readonly (readonly string[])[]): string[] {
  const escaped = rows.map((row) => row.map((cell) => cell.replace(/\|/g, "\\|")));
  const widths = header.map((h, i) => Math.max(h.length, 3, ...escaped.map((row) => row[i]?.length ?? 0)));
  const line = (cells: readonly string[]) => `| ${cells.map((c, i) => c.padEnd(widths[i]!)).join(" | ")} |`;
  return [line(header), line(widths.map((w) => "-".repeat(w))), ...escaped.map(line)];
}
