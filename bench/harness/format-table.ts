import type { FigureResult, Unit } from "./figure.js";

export const FIGURE_COLUMNS = ["Scenario", "Figure", "Median", "Min", "Max", "Target", "Result", "Runs"];

/** One figure's cells under FIGURE_COLUMNS, for the terminal (`<=`, PASS) or for Markdown (`≤`, pass). */
export function figureRow(r: FigureResult, style: "text" | "markdown"): string[] {
  const op = style === "text" ? r.target?.op : r.target?.op === "<=" ? "≤" : "≥";
  const worst = style === "text" ? " (worst)" : " (worst run)";
  const target = r.target
    ? `${op} ${formatValue(r.target.value, r.unit)}${r.target.on === "worst" ? worst : ""}`
    : "";
  const verdict = r.verdict === "info" ? "" : style === "text" ? r.verdict.toUpperCase() : r.verdict;
  return [
    r.scenario,
    r.label,
    formatValue(r.summary?.median, r.unit),
    formatValue(r.summary?.min, r.unit),
    formatValue(r.summary?.max, r.unit),
    target,
    verdict,
    String(r.summary?.runs ?? 0),
  ];
}

/** The stdout table: one row per figure, grouped by scenario, columns padded to fit. */
export function formatTable(results: readonly FigureResult[]): string {
  const header = FIGURE_COLUMNS;
  const rows = results.map((r) => figureRow(r, "text"));
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((row) => row[i]!.length)));
  const line = (cells: string[]) =>
    cells
      .map((c, i) => c.padEnd(widths[i]!))
      .join("  ")
      .trimEnd();
  const rule = widths.map((w) => "-".repeat(w)).join("  ");
  return [line(header), rule, ...rows.map(line)].join("\n");
}

/** A value in its unit, rounded for reading: 3 significant digits at most, integers kept whole. */
export function formatValue(value: number | undefined, unit: Unit): string {
  if (value === undefined || !Number.isFinite(value)) return "—";
  const suffix: Record<Unit, string> = {
    ms: " ms",
    s: " s",
    count: "",
    "per-job": "/job",
    "per-min": "/min",
    MiB: " MiB",
    KiB: " KiB",
    "req/s": " req/s",
  };
  return `${round(value)}${suffix[unit]}`;
}

function round(value: number): string {
  if (Number.isInteger(value) || Math.abs(value) >= 100) return String(Math.round(value));
  return String(Number(value.toPrecision(3)));
}
