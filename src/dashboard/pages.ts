import { escapeHtml } from "./escape-html.js";
import type { Viewer } from "./viewer.js";

/**
 * The server-rendered HTML: a shell whose tables and charts the dashboard script fills from the API, and
 * a small page for sign-in outcomes. No inline script or style (the CSP forbids both); every interpolated
 * value goes through escapeHtml.
 */

function head(title: string, assetVersion: string, extra = ""): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="color-scheme" content="light dark">
<title>${escapeHtml(title)}</title>
<link rel="icon" href="/dashboard/assets/icon.svg" type="image/svg+xml">
<link rel="stylesheet" href="/dashboard/assets/dashboard.css?v=${escapeHtml(assetVersion)}">
${extra}</head>`;
}

const BRAND = `<a class="brand" href="/dashboard"><img src="/dashboard/assets/icon.svg" alt="" width="24" height="24"><span>Mayfly</span></a>`;

export function messagePage(input: {
  title: string;
  text: string;
  assetVersion: string;
  action?: { href: string; label: string };
}): string {
  const action = input.action
    ? `<p><a class="btn primary" href="${escapeHtml(input.action.href)}">${escapeHtml(input.action.label)}</a></p>`
    : "";
  return `${head(`${input.title} · Mayfly`, input.assetVersion)}
<body class="message">
<main class="card">
${BRAND}
<h1>${escapeHtml(input.title)}</h1>
<p>${escapeHtml(input.text)}</p>
${action}
</main>
</body>
</html>`;
}

function section(id: string, title: string, body: string, extra = ""): string {
  return `<section class="panel" id="${id}" aria-labelledby="${id}-title">
<header class="panel-head"><h2 id="${id}-title">${title}</h2>${extra}</header>
${body}
</section>`;
}

function table(id: string, columns: string[], empty: string): string {
  const head = columns.map((c) => `<th scope="col">${c}</th>`).join("");
  return `<div class="table-wrap"><table class="data" id="${id}"><thead><tr>${head}</tr></thead><tbody></tbody></table></div>
<p class="empty" id="${id}-empty" hidden>${empty}</p>`;
}

export function dashboardPage(input: { viewer: Viewer; assetVersion: string }): string {
  const { viewer } = input;
  const scope = viewer.orgs === "all" ? "all orgs" : viewer.orgs.join(", ");
  const csrf = escapeHtml(viewer.csrf ?? "");
  const script = `<meta name="mayfly-csrf" content="${csrf}">
<script src="/dashboard/assets/dashboard.js?v=${escapeHtml(input.assetVersion)}" defer></script>
`;
  return `${head("Mayfly · runners", input.assetVersion, script)}
<body>
<header class="topbar">
${BRAND}
<p class="live" id="live" role="status"><span class="dot" aria-hidden="true"></span><span id="live-text">connecting…</span></p>
<div class="who"><span>Signed in as <strong>${escapeHtml(viewer.login)}</strong> <span class="muted">(${escapeHtml(scope)})</span></span>
<button type="button" class="btn ghost" id="logout">Sign out</button></div>
</header>
<main>
<noscript><p class="banner">The dashboard needs JavaScript for its tables and live updates. The same data is in the JSON API under /api/v1/.</p></noscript>
<p class="banner" id="banner" role="alert" hidden></p>
<section class="cards" id="cards" aria-label="Overview"></section>
${viewer.orgs === "all" ? section("setup-panel", "Setup checklist", '<ol class="checklist" id="checklist"></ol>', '<span class="muted" id="checklist-meta">checking…</span>') : ""}
${section("runners-panel", "Active runners", table("runners", ["State", "Runner", "Pool", "Job", "Queued", "Age", "Machine", ""], "No active runners right now."), '<span class="muted" id="runners-meta"></span>')}
${section("pools-panel", "Pools", table("pools", ["Pool", "Active / max", "By state", "Warm ready+coming / target", "Spot breaker · fallbacks", "Waiting jobs ≈", "Launch failures (1 h)", "Last error"], "No pools configured."))}
<div class="grid2">
${section("history-panel", "Runners over time", '<div class="chart" id="chart-runners"></div><p class="readout muted" id="readout-runners"></p>', '<span class="muted">last 6 h</span>')}
${section("queue-panel", "Queue time", '<div class="chart" id="chart-queue"></div><p class="readout muted" id="readout-queue"></p>', '<span class="muted" id="queue-meta"></span>')}
</div>
${section(
  "costs-panel",
  "Estimated cost",
  `<div class="grid2">${table("costs-pools", ["Pool", "Instances", "Hours", "Est. cost"], "No instances seen yet.")}${table("costs-repos", ["Repository", "Instances", "Hours", "Est. cost"], "No instances seen yet.")}</div>
<p class="note" id="costs-idle"></p>
<p class="note muted" id="costs-note"></p>`,
  '<span class="muted">last 24 h · estimate</span>',
)}
${section(
  "events-panel",
  "Recent events",
  '<ol class="events" id="events"></ol><p class="empty" id="events-empty" hidden>No events yet.</p>',
  `<label class="filter">Show <select id="events-filter">
<option value="all">everything</option><option value="launch">launches</option><option value="policy">policy denials</option>
<option value="bootstrap">bootstrap</option><option value="reap">reaps</option><option value="job">jobs</option><option value="error">errors</option>
</select></label>`,
)}
</main>
<dialog id="confirm" aria-labelledby="confirm-title">
<form method="dialog">
<h3 id="confirm-title"></h3>
<p id="confirm-text"></p>
<div class="actions"><button class="btn ghost" value="cancel">Cancel</button><button class="btn danger" value="ok" id="confirm-ok"></button></div>
</form>
</dialog>
<div class="toast" id="toast" role="status" aria-live="polite" hidden></div>
</body>
</html>`;
}
