import type { RunnerRow } from "./api-types.js";
import { $, type Child, el } from "./dom.js";
import { clock, duration, plural, safeUrl } from "./format.js";
import { view } from "./view.js";
import { badge, banner, fillTable } from "./widgets.js";

/** The "Active runners" table, its ages ticking every second, and the stale-data banner. */

function ageOf(ageSeconds: number): number {
  return ageSeconds + (Date.now() - view.runnersAt) / 1000;
}

function jobCell(r: RunnerRow): Child | Child[] {
  const job = r.job;
  if (!job) return el("span", { class: "muted", text: r.state === "busy" ? "not yet known" : "–" });
  const url = safeUrl(job.url);
  const detail = [job.workflowName, job.jobName].filter(Boolean).join(" · ") || `job ${job.id}`;
  return [
    url
      ? el("a", { href: url, target: "_blank", rel: "noopener noreferrer", text: job.repo })
      : el("span", { text: job.repo }),
    el("span", { class: "line2", text: detail }),
  ];
}

function actionButtons(r: RunnerRow): HTMLDivElement {
  const busy = r.state === "busy";
  return el("div", { class: "row-actions" }, [
    el("button", {
      type: "button",
      class: "btn",
      "data-action": "drain",
      "data-instance": r.instanceId,
      text: "Drain",
      disabled: busy || r.state === "terminating",
      title: busy
        ? "A busy runner cannot be drained; wait until it is idle"
        : "Remove the runner from GitHub, then terminate its instance",
    }),
    el("button", {
      type: "button",
      class: "btn danger",
      "data-action": "terminate",
      "data-instance": r.instanceId,
      text: "Terminate",
      disabled: r.state === "terminating",
      title: "Terminate the instance now",
    }),
  ]);
}

function runnerRow(r: RunnerRow): HTMLTableRowElement {
  const machine = [r.availabilityZone, r.market].filter(Boolean).join(" · ");
  return el("tr", null, [
    el("td", null, badge(`state-${r.state}`, r.state)),
    el("td", null, [
      el("span", { class: "mono", text: r.runnerName }),
      el("span", {
        class: "line2 mono",
        text: r.instanceId + (r.runnerStatus ? ` · ${r.runnerStatus}` : ""),
      }),
    ]),
    el("td", null, [el("span", { text: r.pool }), el("span", { class: "line2", text: r.org })]),
    el("td", null, jobCell(r)),
    el("td", {
      class: "num",
      text: r.job && r.job.queueSeconds !== undefined ? duration(r.job.queueSeconds) : "–",
    }),
    el("td", { class: "num", "data-age": r.ageSeconds, text: duration(ageOf(r.ageSeconds)) }),
    el("td", null, [el("span", { text: r.instanceType }), el("span", { class: "line2", text: machine })]),
    el("td", null, actionButtons(r)),
  ]);
}

export function renderRunners(): void {
  const data = view.runners;
  if (!data) return;
  fillTable("runners", data.runners.map(runnerRow));
  $("runners-meta").textContent =
    `${plural(data.runners.length, "runner")} · observed ${clock(data.observedAt)}`;
  const problems: string[] = [];
  if (data.stale)
    problems.push(
      `Showing the last good observation, from ${clock(data.observedAt)} (${data.error || "observation failed"}).`,
    );
  if (data.unreachableOrgs?.length)
    problems.push(
      `GitHub did not list the runners of ${data.unreachableOrgs.join(", ")}; their instances are not shown.`,
    );
  banner(problems.join(" "));
}

export function updateAges(): void {
  document.querySelectorAll("td[data-age]").forEach((td) => {
    td.textContent = duration(ageOf(Number(td.getAttribute("data-age"))));
  });
}
