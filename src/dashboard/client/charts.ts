import { type HistorySample, type QueueStats, STATES } from "./api-types.js";
import { attachCursor, chartFrame, fitWidth, legend, niceMax, placeholder, xOf, yOf } from "./chart-frame.js";
import { $, svgEl } from "./dom.js";
import { clock, duration, plural, shortDuration } from "./format.js";

/** The two charts: runners by state (stacked areas) and queue time p50/p90 (lines with gaps). */

export function drawRunners(samples: HistorySample[]): void {
  const box = $("chart-runners");
  if (samples.length < 2) {
    placeholder(box, "Collecting samples (one every few seconds)…");
    return;
  }
  fitWidth(box);
  const from = samples[0]!.at;
  const to = samples[samples.length - 1]!.at;
  const total = (s: HistorySample) => STATES.reduce((n, st) => n + (s[st] || 0), 0);
  const max = niceMax(Math.max(...samples.map(total)));
  const svg = chartFrame("Runners by state over time", max, from, to, (v) => String(Math.round(v)));
  let base = samples.map(() => 0);
  for (const state of STATES) {
    const top = samples.map((s, i) => base[i]! + (s[state] || 0));
    const upper = samples.map((s, i) => `${xOf(s.at, from, to)},${yOf(top[i]!, max)}`);
    const lower = samples.map((s, i) => `${xOf(s.at, from, to)},${yOf(base[i]!, max)}`).reverse();
    svg.appendChild(svgEl("polygon", { class: `area area-${state}`, points: upper.concat(lower).join(" ") }));
    base = top;
  }
  const describe = (s: HistorySample) =>
    `${clock(s.at)} · ${STATES.map((st) => `${s[st] || 0} ${st}`).join(", ")}`;
  attachCursor(svg, samples, from, to, describe, $("readout-runners"));
  box.replaceChildren(svg, legend(STATES.map((s) => [`lg-${s}`, s])));
}

type QueueKey = "queueP50" | "queueP90";

/** Polyline point lists, broken where a sample has no value (no job started in its window). */
function segments(samples: HistorySample[], key: QueueKey, from: number, to: number, max: number) {
  const out: string[][] = [];
  let current: string[] = [];
  for (const s of samples) {
    const value = s[key];
    if (value === undefined || value === null) {
      if (current.length) out.push(current);
      current = [];
    } else current.push(`${xOf(s.at, from, to)},${yOf(value, max)}`);
  }
  if (current.length) out.push(current);
  return out;
}

export function drawQueue(samples: HistorySample[], queue: QueueStats): void {
  const box = $("chart-queue");
  $("queue-meta").textContent = queue.jobs
    ? `last hour: p50 ${duration(queue.p50)} · p90 ${duration(queue.p90)} · ${plural(queue.jobs, "job")}`
    : "no job started in the last hour";
  const known = samples.filter((s) => s.queueP90 !== undefined);
  if (samples.length < 2 || !known.length) {
    placeholder(box, "No queue times yet: they appear as jobs start.");
    return;
  }
  fitWidth(box);
  const from = samples[0]!.at;
  const to = samples[samples.length - 1]!.at;
  const max = niceMax(Math.max(...known.map((s) => s.queueP90 ?? 0)));
  const svg = chartFrame("Queue time p50 and p90 over time", max, from, to, shortDuration);
  for (const key of ["queueP90", "queueP50"] as const) {
    for (const points of segments(samples, key, from, to, max)) {
      if (points.length === 1) points.push(points[0]!);
      const cls = key === "queueP50" ? "line-p50" : "line-p90";
      svg.appendChild(svgEl("polyline", { class: cls, points: points.join(" ") }));
    }
  }
  const describe = (s: HistorySample) =>
    `${clock(s.at)} · ${s.queueP50 === undefined ? "no jobs started" : `p50 ${duration(s.queueP50)}, p90 ${duration(s.queueP90)}`}`;
  attachCursor(svg, samples, from, to, describe, $("readout-queue"));
  box.replaceChildren(
    svg,
    legend([
      ["lg-p50", "p50"],
      ["lg-p90", "p90"],
    ]),
  );
}
