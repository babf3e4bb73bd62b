import type { CostLine, RunnerState } from "./api-types.js";
import { $, el } from "./dom.js";
import { duration, hours, money, plural } from "./format.js";
import { view } from "./view.js";
import { fillTable } from "./widgets.js";

/** The overview cards and the cost tables. */

function card(label: string, value: string, sub: string, cls?: string): HTMLDivElement {
  return el("div", { class: `card-stat${cls ? ` ${cls}` : ""}` }, [
    el("div", { class: "label", text: label }),
    el("div", { class: "value", text: value }),
    el("div", { class: "sub", text: sub }),
  ]);
}

export function renderCards(): void {
  const n: Record<RunnerState, number> = { busy: 0, idle: 0, booting: 0, launching: 0, terminating: 0 };
  for (const r of view.runners?.runners ?? []) n[r.state] += 1;
  const known = view.runners !== null;
  const waiting = view.pools ? view.pools.pools.reduce((sum, p) => sum + p.waitingJobs, 0) : null;
  const q = view.summary ? view.summary.queue : null;
  $("cards").replaceChildren(
    card("Busy", known ? String(n.busy) : "–", "running a job", "c-busy"),
    card("Idle", known ? String(n.idle) : "–", "ready for a job", "c-idle"),
    card(
      "Starting",
      known ? String(n.launching + n.booting) : "–",
      `${n.launching} launching · ${n.booting} booting`,
      "c-booting",
    ),
    card("Waiting jobs", waiting === null ? "–" : String(waiting), "approximate"),
    card(
      "Queue time p50",
      q ? duration(q.p50) : "–",
      q ? `p90 ${duration(q.p90)} · ${plural(q.jobs, "job")}, last hour` : "",
    ),
    card("Est. cost", view.costs ? money(view.costs.total) : "–", "last 24 h, estimate"),
  );
}

function costRows(lines: CostLine[]): HTMLTableRowElement[] {
  return lines.map((l) =>
    el("tr", null, [
      el("td", { text: l.key }),
      el("td", { class: "num", text: String(l.instances) }),
      el("td", { class: "num", text: hours(l.instanceHours) }),
      el("td", { class: "num", text: money(l.cost) + (l.unpricedHours ? " + unpriced" : "") }),
    ]),
  );
}

export function renderCosts(): void {
  const c = view.costs;
  if (!c) return;
  fillTable("costs-pools", costRows(c.pools));
  fillTable("costs-repos", costRows(c.repos));
  const unpriced = c.unpricedTypes.length
    ? ` No price in the pool file for: ${c.unpricedTypes.join(", ")}.`
    : "";
  $("costs-note").textContent = c.note + unpriced;
  const idle = c.idle.pools.map(
    (l) =>
      `${l.pool}: hot ${hours(l.hotHours)} ${money(l.hotCost)} · ` +
      `${plural(l.stoppedInstances, "stopped instance")} ${hours(l.stoppedHours)} ${money(l.stoppedCost)}`,
  );
  $("costs-idle").textContent = idle.length
    ? `Idle warm capacity: ${money(c.idle.total)} (${idle.join("; ")})`
    : "";
}
