/** Browser script, part 4: live updates (SSE, falling back to polling), admin actions, sign-out, start. */
export const CLIENT_LIVE = String.raw`
function setLive(state, text) {
  $("live").className = "live " + state;
  $("live-text").textContent = text;
}

/** The event log's seq went backwards: another or a restarted replica. Start the list over. */
function checkSeq(lastSeq) {
  if (typeof lastSeq !== "number" || lastSeq >= view.lastSeq) return;
  view.events = [];
  view.lastSeq = 0;
  api("/api/v1/events?limit=200").then(function (r) { addEvents(r.events); }).catch(function () {});
}

function onSnapshot(data) {
  checkSeq(data.lastSeq);
  view.runners = data.runners;
  view.pools = data.pools;
  view.runnersAt = Date.now();
  renderRunners();
  renderPools();
  renderCards();
}

var polling = 0;
function startPolling() {
  if (polling) return;
  var tick = function () {
    Promise.all([api("/api/v1/runners"), api("/api/v1/pools"), api("/api/v1/events?after=" + view.lastSeq)])
      .then(function (r) {
        onSnapshot({ runners: r[0], pools: r[1], lastSeq: r[2].lastSeq });
        addEvents(r[2].events);
        setLive("on", "updated " + clock(Date.now()) + " (polling)");
      })
      .catch(function (e) { setLive("off", "offline: " + e.message); });
  };
  tick();
  polling = setInterval(tick, 10000);
}

function connect() {
  if (!window.EventSource) return startPolling();
  var failures = 0;
  var source = new EventSource("/api/v1/stream" + (view.lastSeq ? "?after=" + view.lastSeq : ""));
  source.addEventListener("open", function () { failures = 0; setLive("on", "live"); });
  source.addEventListener("snapshot", function (m) {
    onSnapshot(JSON.parse(m.data));
    setLive("on", "live · updated " + clock(Date.now()));
  });
  source.addEventListener("mayfly-event", function (m) { addEvents([JSON.parse(m.data)]); });
  source.addEventListener("error", function () {
    failures += 1;
    setLive("off", "reconnecting…");
    // A closed source (HTTP error such as 401 or 503) never retries by itself: poll instead, which
    // also sends a signed-out browser back to sign-in.
    if (source.readyState === 2 || failures > 5) {
      source.close();
      startPolling();
    }
  });
}

function refreshSummary() {
  return api("/api/v1/summary").then(function (s) {
    view.summary = s;
    drawRunners(s.samples);
    drawQueue(s.samples, s.queue);
    renderCards();
  }).catch(function () {});
}
function refreshCosts() {
  return api("/api/v1/costs").then(function (c) {
    view.costs = c;
    renderCosts();
    renderCards();
  }).catch(function () {});
}

function confirmAction(copy, onOk) {
  var dialog = $("confirm");
  if (typeof dialog.showModal !== "function") {
    if (window.confirm(copy.title + "\n\n" + copy.text)) onOk();
    return;
  }
  $("confirm-title").textContent = copy.title;
  $("confirm-text").textContent = copy.text;
  $("confirm-ok").textContent = copy.ok;
  dialog.returnValue = "";
  dialog.addEventListener("close", function handler() {
    dialog.removeEventListener("close", handler);
    if (dialog.returnValue === "ok") onOk();
  });
  dialog.showModal();
}

function actionCopy(action, id) {
  var row = view.runners && view.runners.runners.filter(function (r) { return r.instanceId === id; })[0];
  if (action === "drain") {
    return {
      title: "Drain " + (row ? row.runnerName : id) + "?",
      text: "The runner is removed from GitHub so it takes no new job, then instance " + id + " is terminated. If it has just taken a job, nothing happens.",
      ok: "Drain runner",
    };
  }
  var job = row && row.state === "busy" ? " It is running a job" + (row.job ? " for " + row.job.repo : "") + ", which will fail." : " A job running on it will fail.";
  return { title: "Terminate instance " + id + "?", text: "The instance is terminated now." + job + " The reaper then removes its runner from GitHub.", ok: "Terminate instance" };
}

document.addEventListener("click", function (ev) {
  var button = ev.target && ev.target.closest ? ev.target.closest("button[data-action]") : null;
  if (!button) return;
  var action = button.getAttribute("data-action");
  var id = button.getAttribute("data-instance");
  confirmAction(actionCopy(action, id), function () {
    var path = action === "drain" ? "/api/v1/runners/" + encodeURIComponent(id) + "/drain" : "/api/v1/instances/" + encodeURIComponent(id) + "/terminate";
    button.disabled = true;
    api(path, { method: "POST" })
      .then(function (r) { toast(r.message); })
      .catch(function (e) { toast(e.message, true); button.disabled = false; });
  });
});

$("logout").addEventListener("click", function () {
  api("/dashboard/logout", { method: "POST" }).catch(function () {}).then(function () { location.assign("/dashboard/signed-out"); });
});
$("events-filter").addEventListener("change", function (ev) {
  view.filter = ev.target.value;
  renderEvents();
});

renderCards();
api("/api/v1/events?limit=200")
  .then(function (r) {
    addEvents(r.events);
    view.lastSeq = Math.max(view.lastSeq, r.lastSeq);
  })
  .catch(function () {})
  .then(connect);
refreshSummary();
refreshCosts();
setInterval(refreshSummary, 30000);
setInterval(refreshCosts, 60000);
setInterval(updateAges, 1000);
var resizeTimer = 0;
window.addEventListener("resize", function () {
  clearTimeout(resizeTimer);
  resizeTimer = setTimeout(function () {
    if (!view.summary) return;
    drawRunners(view.summary.samples);
    drawQueue(view.summary.samples, view.summary.queue);
  }, 200);
});
`;
