import type { HistorySample } from "./api-types.js";
import { el, svgEl } from "./dom.js";
import { hm } from "./format.js";

/** The pieces of an inline SVG chart: size, scales, axes, legend and a cursor that reads out a sample. */

export const CHART = { w: 640, h: 200, left: 40, right: 10, top: 10, bottom: 22 };

/** Draws at the container's pixel width, so axis text stays readable on a phone. */
export function fitWidth(box: HTMLElement): void {
  CHART.w = Math.max(280, Math.min(1000, Math.round(box.clientWidth || 640)));
}

/** The axis top: 2, 5 or 10 times a power of ten, at least 4. */
export function niceMax(v: number): number {
  if (!(v > 4)) return 4;
  const p = 10 ** Math.floor(Math.log10(v));
  const n = v / p;
  return (n <= 2 ? 2 : n <= 5 ? 5 : 10) * p;
}

export function xOf(t: number, from: number, to: number): number {
  return CHART.left + (CHART.w - CHART.left - CHART.right) * (to === from ? 1 : (t - from) / (to - from));
}

export function yOf(v: number, max: number): number {
  return CHART.h - CHART.bottom - (CHART.h - CHART.bottom - CHART.top) * (v / max);
}

export function chartFrame(
  label: string,
  max: number,
  from: number,
  to: number,
  formatY: (v: number) => string,
): SVGSVGElement {
  const svg = svgEl("svg", { viewBox: `0 0 ${CHART.w} ${CHART.h}`, role: "img", "aria-label": label });
  for (const v of [0, max / 2, max]) {
    const y = yOf(v, max);
    svg.appendChild(
      svgEl("line", { class: "grid", x1: CHART.left, x2: CHART.w - CHART.right, y1: y, y2: y }),
    );
    svg.appendChild(
      svgEl("text", { class: "axis", x: CHART.left - 6, y: y + 4, "text-anchor": "end" }, formatY(v)),
    );
  }
  svg.appendChild(svgEl("text", { class: "axis", x: CHART.left, y: CHART.h - 6 }, hm(from)));
  svg.appendChild(
    svgEl("text", { class: "axis", x: CHART.w - CHART.right, y: CHART.h - 6, "text-anchor": "end" }, hm(to)),
  );
  return svg;
}

/** [class, text] pairs. */
export function legend(items: [string, string][]): HTMLUListElement {
  return el(
    "ul",
    { class: "legend" },
    items.map(([cls, text]) => el("li", { class: cls }, [el("i"), text])),
  );
}

function nearest(samples: HistorySample[], t: number): HistorySample {
  let best = samples[0]!;
  for (const s of samples) if (Math.abs(s.at - t) < Math.abs(best.at - t)) best = s;
  return best;
}

/** Follows the pointer with a line and writes the nearest sample to `out`; the latest one otherwise. */
export function attachCursor(
  svg: SVGSVGElement,
  samples: HistorySample[],
  from: number,
  to: number,
  describe: (s: HistorySample) => string,
  out: HTMLElement,
): void {
  const cursor = svgEl("line", {
    class: "cursor",
    x1: 0,
    x2: 0,
    y1: CHART.top,
    y2: CHART.h - CHART.bottom,
    visibility: "hidden",
  });
  svg.appendChild(cursor);
  const latest = samples[samples.length - 1]!;
  out.textContent = describe(latest);
  svg.addEventListener("pointermove", (ev) => {
    const box = svg.getBoundingClientRect();
    const x = ((ev.clientX - box.left) * CHART.w) / box.width;
    const t = from + ((x - CHART.left) / (CHART.w - CHART.left - CHART.right)) * (to - from);
    const s = nearest(samples, t);
    const sx = String(xOf(s.at, from, to));
    cursor.setAttribute("x1", sx);
    cursor.setAttribute("x2", sx);
    cursor.setAttribute("visibility", "visible");
    out.textContent = describe(s);
  });
  svg.addEventListener("pointerleave", () => {
    cursor.setAttribute("visibility", "hidden");
    out.textContent = describe(latest);
  });
}

export function placeholder(box: HTMLElement, text: string): void {
  box.replaceChildren(el("p", { class: "empty", text }));
}
