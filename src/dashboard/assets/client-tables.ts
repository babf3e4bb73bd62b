/** Browser script, part 2: the overview cards and the runners, pools, costs and events tables. */
export const CLIENT_TABLES = `
function ageOf(ageSeconds) { return ageSeconds + (Date.now() - view.runnersAt) / 1000; }

function jobCell(r) {
  var job = r.job;
  if (!job) return el("span", { class: "muted", text: r.state === "busy" ? "not yet known" : "–" });
  var url = safeUrl(job.url);
  var detail = [job.workflowName, job.jobName].filter(Boolean).join(" · ") || "job " + job.id;
  return [
    url ? el("a", { href: url, target: "_blank", rel: "noopener noreferrer", text: job.repo }) : el("span", { text: job.repo }),
    el("span", { class: "line2", text: detail }),
  ];
}

function actionButtons(r) {
  var busy = r.state === "busy";
  return el("div", { class: "row-actions" }, [
    el("button", {
      type: "button", class: "btn", "data-action": "drain", "data-instance": r.instanceId, text: "Drain",
      disabled: busy || r.state === "terminating",
      title: busy ? "A busy runner cannot be drained; wait until it is idle" : "Remove the runner from GitHub, then terminate its instance",
    }),
    el("button", {
      type: "button", class: "btn danger", "data-action": "terminate", "data-instance": r.instanceId, text: "Terminate",
      disabled: r.state === "terminating", title: "Terminate the instance now",
    }),
  ]);
}

function renderRunners() {
  var data = view.runners;
  if (!data) return;
  fillTable("runners", data.runners.map(function (r) {
    return el("tr", null, [
      el("td", null, badge("state-" + r.state, r.state)),
      el("td", null, [el("span", { class: "mono", text: r.runnerName }), el("span", { class: "line2 mono", text: r.instanceId + (r.runnerStatus ? " · " + r.runnerStatus : "") })]),
      el("td", null, [el("span", { text: r.pool }), el("span", { class: "line2", text: r.org })]),
      el("td", null, jobCell(r)),
      el("td", { class: "num", text: r.job && r.job.queueSeconds !== undefined ? duration(r.job.queueSeconds) : "–" }),
      el("td", { class: "num", "data-age": r.ageSeconds, text: duration(ageOf(r.ageSeconds)) }),
      el("td", null, [el("span", { text: r.instanceType }), el("span", { class: "line2", text: [r.availabilityZone, r.market].filter(Boolean).join(" · ") })]),
      el("td", null, actionButtons(r)),
    ]);
  }));
  $("runners-meta").textContent = plural(data.runners.length, "runner") + " · observed " + clock(data.observedAt);
  var problems = [];
  if (data.stale) problems.push("Showing the last good observation, from " + clock(data.observedAt) + " (" + (data.error || "observation failed") + ").");
  if (data.unreachableOrgs && data.unreachableOrgs.length) problems.push("GitHub did not list the runners of " + data.unreachableOrgs.join(", ") + "; their instances are not shown.");
  banner(problems.join(" "));
}

function updateAges() {
  document.querySelectorAll("td[data-age]").forEach(function (td) { td.textContent = duration(ageOf(Number(td.getAttribute("data-age")))); });
}

function renderPools() {
  var data = view.pools;
  if (!data) return;
  fillTable("pools", data.pools.map(function (p) {
    var chips = STATES.filter(function (s) { return p.states[s]; }).map(function (s) { return badge("state-" + s, p.states[s] + " " + s); });
    return el("tr", null, [
      el("td", null, [el("strong", { text: p.name }), el("span", { class: "line2", text: p.labels.join(", ") }), el("span", { class: "line2", text: p.instanceTypes.join(" → ") + " · " + p.market })]),
      el("td", null, [
        el("span", { class: "num", text: p.active + " / " + p.maxRunners }),
        el("meter", { class: "capacity", min: 0, max: p.maxRunners, high: p.maxRunners * 0.9, value: p.active, title: p.active + " of " + p.maxRunners }),
      ]),
      el("td", null, chips.length ? el("div", { class: "chips" }, chips) : el("span", { class: "muted", text: "none" })),
      el("td", { class: "num", text: String(p.waitingJobs) }),
      el("td", { class: "num" + (p.launchFailures ? " error-text" : ""), text: String(p.launchFailures) }),
      el("td", null, p.lastError
        ? [el("span", { class: "error-text", text: p.lastError.message }), el("span", { class: "line2", text: (p.lastError.reason ? p.lastError.reason + " · " : "") + clock(p.lastError.at) })]
        : el("span", { class: "muted", text: "–" })),
    ]);
  }));
}

function card(label, value, sub, cls) {
  return el("div", { class: "card-stat" + (cls ? " " + cls : "") }, [
    el("div", { class: "label", text: label }), el("div", { class: "value", text: value }), el("div", { class: "sub", text: sub }),
  ]);
}

function renderCards() {
  var n = { busy: 0, idle: 0, booting: 0, launching: 0, terminating: 0 };
  if (view.runners) view.runners.runners.forEach(function (r) { n[r.state] += 1; });
  var known = !!view.runners;
  var waiting = view.pools ? view.pools.pools.reduce(function (sum, p) { return sum + p.waitingJobs; }, 0) : null;
  var q = view.summary ? view.summary.queue : null;
  $("cards").replaceChildren(
    card("Busy", known ? String(n.busy) : "–", "running a job", "c-busy"),
    card("Idle", known ? String(n.idle) : "–", "ready for a job", "c-idle"),
    card("Starting", known ? String(n.launching + n.booting) : "–", n.launching + " launching · " + n.booting + " booting", "c-booting"),
    card("Waiting jobs", waiting === null ? "–" : String(waiting), "approximate"),
    card("Queue time p50", q ? duration(q.p50) : "–", q ? "p90 " + duration(q.p90) + " · " + plural(q.jobs, "job") + ", last hour" : ""),
    card("Est. cost", view.costs ? money(view.costs.total) : "–", "last 24 h, estimate")
  );
}

function renderCosts() {
  var c = view.costs;
  if (!c) return;
  var rows = function (lines) {
    return lines.map(function (l) {
      return el("tr", null, [
        el("td", { text: l.key }),
        el("td", { class: "num", text: String(l.instances) }),
        el("td", { class: "num", text: hours(l.instanceHours) }),
        el("td", { class: "num", text: money(l.cost) + (l.unpricedHours ? " + unpriced" : "") }),
      ]);
    });
  };
  fillTable("costs-pools", rows(c.pools));
  fillTable("costs-repos", rows(c.repos));
  $("costs-note").textContent = c.note + (c.unpricedTypes.length ? " No price in the pool file for: " + c.unpricedTypes.join(", ") + "." : "");
}

function groupOf(kind) { return kind.split(".")[0]; }

function renderEvents() {
  var shown = view.events.filter(function (e) { return view.filter === "all" || groupOf(e.kind) === view.filter; }).slice(-200).reverse();
  var items = shown.map(function (e) {
    var meta = [e.pool && "pool " + e.pool, e.repo, e.instanceId, e.jobId && "job " + e.jobId, e.reason && "reason " + e.reason].filter(Boolean).join(" · ");
    return el("li", null, [
      el("time", { datetime: new Date(e.at).toISOString(), text: clock(e.at) }),
      el("span", null, badge("kind-" + groupOf(e.kind), e.kind)),
      el("span", { class: "msg" }, [e.message, meta ? el("span", { class: "meta", text: meta }) : null]),
    ]);
  });
  $("events").replaceChildren.apply($("events"), items);
  $("events-empty").hidden = items.length > 0;
}

function addEvents(events) {
  events.forEach(function (e) {
    if (e.seq <= view.lastSeq) return;
    view.events.push(e);
    view.lastSeq = e.seq;
  });
  if (view.events.length > 500) view.events.splice(0, view.events.length - 500);
  renderEvents();
}
`;
