import { listenForActions } from "./admin-actions.js";
import { api } from "./api.js";
import type { EventsView } from "./api-types.js";
import { drawQueue, drawRunners } from "./charts.js";
import { refreshChecklist } from "./checklist-panel.js";
import { $ } from "./dom.js";
import { addEvents, renderEvents } from "./events-list.js";
import { connect, refreshCosts, refreshSummary } from "./live.js";
import { renderCards } from "./overview.js";
import { updateAges } from "./runners-table.js";
import { view } from "./view.js";

/**
 * The dashboard page's script (bundled into one file by esbuild, see src/dashboard/assets/build-client.ts;
 * loaded with `defer`, so the page's elements exist). Loads recent events, then follows the live stream.
 */

listenForActions();
$("logout").addEventListener("click", () => {
  api("/dashboard/logout", { method: "POST" })
    .catch(() => {})
    .then(() => location.assign("/dashboard/signed-out"));
});
$<HTMLSelectElement>("events-filter").addEventListener("change", (ev) => {
  view.filter = (ev.target as HTMLSelectElement).value;
  renderEvents();
});

renderCards();
api<EventsView>("/api/v1/events?limit=200")
  .then((r) => {
    addEvents(r.events);
    view.lastSeq = Math.max(view.lastSeq, r.lastSeq);
  })
  .catch(() => {})
  .then(connect);
void refreshSummary();
void refreshCosts();
void refreshChecklist();
setInterval(refreshSummary, 30_000);
setInterval(refreshChecklist, 60_000);
setInterval(refreshCosts, 60_000);
setInterval(updateAges, 1000);

let resizeTimer = 0;
window.addEventListener("resize", () => {
  window.clearTimeout(resizeTimer);
  resizeTimer = window.setTimeout(() => {
    if (!view.summary) return;
    drawRunners(view.summary.samples);
    drawQueue(view.summary.samples, view.summary.queue);
  }, 200);
});
