import type { DashboardEvent } from "./api-types.js";
import { $, el } from "./dom.js";
import { clock } from "./format.js";
import { view } from "./view.js";
import { badge } from "./widgets.js";

/** "Recent events": newest first, filtered by kind group, the last 500 kept. */

const KEPT = 500;
const SHOWN = 200;

function groupOf(kind: string): string {
  return kind.split(".")[0] ?? kind;
}

function eventItem(e: DashboardEvent): HTMLLIElement {
  const meta = [
    e.pool && `pool ${e.pool}`,
    e.repo,
    e.instanceId,
    e.jobId && `job ${e.jobId}`,
    e.reason && `reason ${e.reason}`,
  ]
    .filter(Boolean)
    .join(" · ");
  return el("li", null, [
    el("time", { datetime: new Date(e.at).toISOString(), text: clock(e.at) }),
    el("span", null, badge(`kind-${groupOf(e.kind)}`, e.kind)),
    el("span", { class: "msg" }, [e.message, meta ? el("span", { class: "meta", text: meta }) : null]),
  ]);
}

export function renderEvents(): void {
  const shown = view.events
    .filter((e) => view.filter === "all" || groupOf(e.kind) === view.filter)
    .slice(-SHOWN)
    .reverse();
  const items = shown.map(eventItem);
  $("events").replaceChildren(...items);
  $("events-empty").hidden = items.length > 0;
}

/** Adds events not seen yet (by seq), in order. */
export function addEvents(events: DashboardEvent[]): void {
  for (const e of events) {
    if (e.seq <= view.lastSeq) continue;
    view.events.push(e);
    view.lastSeq = e.seq;
  }
  if (view.events.length > KEPT) view.events.splice(0, view.events.length - KEPT);
  renderEvents();
}
