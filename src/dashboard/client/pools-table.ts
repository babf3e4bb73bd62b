import type { PoolRow, SpotRow, WarmRow } from "./api-types.js";
import { STATES } from "./api-types.js";
import { el } from "./dom.js";
import { clock, duration, hm } from "./format.js";
import { view } from "./view.js";
import { badge, fillTable } from "./widgets.js";

/**
 * The "Pools" table: capacity in use, runners by state, warm capacity, spot breaker and fallbacks, waiting
 * jobs, launch failures, last error.
 */

/** "hot 1+1 / 2": ready + coming of target, per role the pool keeps or has; hits and misses below. */
function warmCell(w: WarmRow | undefined): HTMLElement[] | HTMLElement {
  if (!w) return el("span", { class: "muted", text: "–" });
  const roles = (["hot", "stopped"] as const).filter((r) => w.target[r] || w.ready[r] || w.coming[r]);
  const lines = roles.map((r) => {
    const actual = w.ready[r] + w.coming[r];
    const short = actual < w.target[r];
    return el("span", {
      class: `warm-level num${short ? " warn-text" : ""}`,
      "data-role": r,
      title: `${w.ready[r]} ready, ${w.coming[r]} coming, target ${w.target[r]} (${w.target.reason})`,
      text: `${r} ${w.ready[r]}${w.coming[r] ? `+${w.coming[r]}` : ""} / ${w.target[r]}`,
    });
  });
  const c = w.claims;
  return [
    ...(lines.length ? lines : [el("span", { class: "muted", text: `none now (${w.target.reason})` })]),
    el("span", {
      class: "line2",
      title: "Queued jobs served warm (hot, stopped) or cold, by this replica since it started",
      text: `hits ${c.hot + c.stopped} · misses ${c.miss}`,
    }),
  ];
}

/** "breaker open until 14:32" or "breaker closed"; interruptions in the window; fallbacks (1 h) below. */
function spotCell(spot: SpotRow | undefined, fallbacks: PoolRow["fallbacks"]): HTMLElement[] {
  const lines: HTMLElement[] = [];
  if (spot) {
    const open = spot.breaker.state === "open";
    lines.push(
      el("span", {
        class: `breaker${open ? " warn-text" : ""}`,
        "data-breaker": spot.breaker.state,
        title: spot.reason,
        text:
          spot.breaker.state === "open" ? `breaker open until ${hm(spot.breaker.until)}` : "breaker closed",
      }),
      el("span", {
        class: "line2 interruptions",
        title: `${spot.threshold} interruptions within ${duration(spot.windowSeconds)} switch the pool to on-demand for ${duration(spot.openForSeconds)}`,
        text: `${spot.interruptions} / ${spot.threshold} interruptions in ${duration(spot.windowSeconds)}`,
      }),
    );
  }
  const reasons = Object.entries(fallbacks.byReason).map(([reason, n]) => `${n} ${reason}`);
  lines.push(
    el("span", {
      class: `line2 fallbacks${fallbacks.total ? " warn-text" : ""}`,
      title: fallbacks.last
        ? `last: ${fallbacks.last.message} (${clock(fallbacks.last.at)})`
        : "launch requests that did not land on the pool's first choice, last hour: none",
      text: `fallbacks (1 h) ${fallbacks.total}${reasons.length ? ` · ${reasons.join(", ")}` : ""}`,
    }),
  );
  return lines;
}

function poolRow(p: PoolRow): HTMLTableRowElement {
  const chips = STATES.filter((s) => p.states[s]).map((s) => badge(`state-${s}`, `${p.states[s]} ${s}`));
  const lastError = p.lastError;
  return el("tr", null, [
    el("td", null, [
      el("strong", { text: p.name }),
      el("span", { class: "line2", text: p.labels.join(", ") }),
      el("span", { class: "line2", text: `${p.instanceTypes.join(" → ")} · ${p.market}` }),
    ]),
    el("td", null, [
      el("span", { class: "num", text: `${p.active} / ${p.maxRunners}` }),
      el("meter", {
        class: "capacity",
        min: 0,
        max: p.maxRunners,
        high: p.maxRunners * 0.9,
        value: p.active,
        title: `${p.active} of ${p.maxRunners}`,
      }),
    ]),
    el(
      "td",
      null,
      chips.length ? el("div", { class: "chips" }, chips) : el("span", { class: "muted", text: "none" }),
    ),
    el("td", { class: "warm" }, warmCell(p.warm)),
    el("td", { class: "spot" }, spotCell(p.spot, p.fallbacks)),
    el("td", { class: "num", text: String(p.waitingJobs) }),
    el("td", { class: `num${p.launchFailures ? " error-text" : ""}`, text: String(p.launchFailures) }),
    el(
      "td",
      null,
      lastError
        ? [
            el("span", { class: "error-text", text: lastError.message }),
            el("span", {
              class: "line2",
              text: (lastError.reason ? `${lastError.reason} · ` : "") + clock(lastError.at),
            }),
          ]
        : el("span", { class: "muted", text: "–" }),
    ),
  ]);
}

export function renderPools(): void {
  const data = view.pools;
  if (!data) return;
  fillTable("pools", data.pools.map(poolRow));
}
