import { api } from "./api.js";
import type {
  CostsView,
  DashboardEvent,
  EventsView,
  PoolsView,
  RunnersView,
  Snapshot,
  SummaryView,
} from "./api-types.js";
import { drawQueue, drawRunners } from "./charts.js";
import { $ } from "./dom.js";
import { addEvents } from "./events-list.js";
import { clock } from "./format.js";
import { renderCards, renderCosts } from "./overview.js";
import { renderPools } from "./pools-table.js";
import { renderRunners } from "./runners-table.js";
import { view } from "./view.js";

/** Live updates: Server-Sent Events, falling back to polling every 10 s; summary and costs on timers. */

const POLL_MS = 10_000;
const CLOSED = 2; // EventSource.CLOSED

function setLive(state: "on" | "off", text: string): void {
  $("live").className = `live ${state}`;
  $("live-text").textContent = text;
}

/** The event log's seq went backwards: another or a restarted replica. Start the list over. */
function checkSeq(lastSeq: unknown): void {
  if (typeof lastSeq !== "number" || lastSeq >= view.lastSeq) return;
  view.events = [];
  view.lastSeq = 0;
  api<EventsView>("/api/v1/events?limit=200")
    .then((r) => addEvents(r.events))
    .catch(() => {});
}

function onSnapshot(data: Snapshot): void {
  checkSeq(data.lastSeq);
  view.runners = data.runners;
  view.pools = data.pools;
  view.runnersAt = Date.now();
  renderRunners();
  renderPools();
  renderCards();
}

let polling = 0;
function startPolling(): void {
  if (polling) return;
  const tick = () => {
    Promise.all([
      api<RunnersView>("/api/v1/runners"),
      api<PoolsView>("/api/v1/pools"),
      api<EventsView>(`/api/v1/events?after=${view.lastSeq}`),
    ])
      .then(([runners, pools, events]) => {
        onSnapshot({ runners, pools, lastSeq: events.lastSeq });
        addEvents(events.events);
        setLive("on", `updated ${clock(Date.now())} (polling)`);
      })
      .catch((e: Error) => setLive("off", `offline: ${e.message}`));
  };
  tick();
  polling = window.setInterval(tick, POLL_MS);
}

export function connect(): void {
  if (!window.EventSource) {
    startPolling();
    return;
  }
  let failures = 0;
  const source = new EventSource(`/api/v1/stream${view.lastSeq ? `?after=${view.lastSeq}` : ""}`);
  source.addEventListener("open", () => {
    failures = 0;
    setLive("on", "live");
  });
  source.addEventListener("snapshot", (m) => {
    onSnapshot(JSON.parse(m.data) as Snapshot);
    setLive("on", `live · updated ${clock(Date.now())}`);
  });
  source.addEventListener("mayfly-event", (m) => addEvents([JSON.parse(m.data) as DashboardEvent]));
  source.addEventListener("error", () => {
    failures += 1;
    setLive("off", "reconnecting…");
    // A closed source (HTTP error such as 401 or 503) never retries by itself: poll instead, which
    // also sends a signed-out browser back to sign-in.
    if (source.readyState === CLOSED || failures > 5) {
      source.close();
      startPolling();
    }
  });
}

export function refreshSummary(): Promise<void> {
  return api<SummaryView>("/api/v1/summary")
    .then((s) => {
      view.summary = s;
      drawRunners(s.samples);
      drawQueue(s.samples, s.queue);
      renderCards();
    })
    .catch(() => {});
}

export function refreshCosts(): Promise<void> {
  return api<CostsView>("/api/v1/costs")
    .then((c) => {
      view.costs = c;
      renderCosts();
      renderCards();
    })
    .catch(() => {});
}
