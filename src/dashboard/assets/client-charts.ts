/** Browser script, part 3: inline SVG charts (runners by state, stacked; queue time p50/p90). */
export const CLIENT_CHARTS = `
var CHART = { w: 640, h: 200, left: 40, right: 10, top: 10, bottom: 22 };

/** Draws at the container's pixel width, so axis text stays readable on a phone. */
function fitWidth(box) { CHART.w = Math.max(280, Math.min(1000, Math.round(box.clientWidth || 640))); }

function niceMax(v) {
  if (!(v > 4)) return 4;
  var p = Math.pow(10, Math.floor(Math.log10(v)));
  var n = v / p;
  return (n <= 2 ? 2 : n <= 5 ? 5 : 10) * p;
}
function xOf(t, from, to) { return CHART.left + (CHART.w - CHART.left - CHART.right) * (to === from ? 1 : (t - from) / (to - from)); }
function yOf(v, max) { return CHART.h - CHART.bottom - (CHART.h - CHART.bottom - CHART.top) * (v / max); }

function chartFrame(label, max, from, to, formatY) {
  var svg = svgEl("svg", { viewBox: "0 0 " + CHART.w + " " + CHART.h, role: "img", "aria-label": label });
  [0, max / 2, max].forEach(function (v) {
    var y = yOf(v, max);
    svg.appendChild(svgEl("line", { class: "grid", x1: CHART.left, x2: CHART.w - CHART.right, y1: y, y2: y }));
    svg.appendChild(svgEl("text", { class: "axis", x: CHART.left - 6, y: y + 4, "text-anchor": "end" }, formatY(v)));
  });
  svg.appendChild(svgEl("text", { class: "axis", x: CHART.left, y: CHART.h - 6 }, hm(from)));
  svg.appendChild(svgEl("text", { class: "axis", x: CHART.w - CHART.right, y: CHART.h - 6, "text-anchor": "end" }, hm(to)));
  return svg;
}

function legend(items) {
  return el("ul", { class: "legend" }, items.map(function (item) { return el("li", { class: item[0] }, [el("i"), item[1]]); }));
}

function nearest(samples, t) {
  var best = samples[0];
  samples.forEach(function (s) { if (Math.abs(s.at - t) < Math.abs(best.at - t)) best = s; });
  return best;
}

function attachCursor(svg, samples, from, to, describe, out) {
  var cursor = svgEl("line", { class: "cursor", x1: 0, x2: 0, y1: CHART.top, y2: CHART.h - CHART.bottom, visibility: "hidden" });
  svg.appendChild(cursor);
  var latest = samples[samples.length - 1];
  out.textContent = describe(latest);
  svg.addEventListener("pointermove", function (ev) {
    var box = svg.getBoundingClientRect();
    var x = ((ev.clientX - box.left) * CHART.w) / box.width;
    var t = from + ((x - CHART.left) / (CHART.w - CHART.left - CHART.right)) * (to - from);
    var s = nearest(samples, t);
    var sx = xOf(s.at, from, to);
    cursor.setAttribute("x1", sx);
    cursor.setAttribute("x2", sx);
    cursor.setAttribute("visibility", "visible");
    out.textContent = describe(s);
  });
  svg.addEventListener("pointerleave", function () {
    cursor.setAttribute("visibility", "hidden");
    out.textContent = describe(latest);
  });
}

function placeholder(box, text) { box.replaceChildren(el("p", { class: "empty", text: text })); }

function drawRunners(samples) {
  var box = $("chart-runners");
  if (samples.length < 2) return placeholder(box, "Collecting samples (one every few seconds)…");
  fitWidth(box);
  var from = samples[0].at, to = samples[samples.length - 1].at;
  var max = niceMax(Math.max.apply(null, samples.map(function (s) { return STATES.reduce(function (n, st) { return n + (s[st] || 0); }, 0); })));
  var svg = chartFrame("Runners by state over time", max, from, to, function (v) { return String(Math.round(v)); });
  var base = samples.map(function () { return 0; });
  STATES.forEach(function (state) {
    var top = samples.map(function (s, i) { return base[i] + (s[state] || 0); });
    var upper = samples.map(function (s, i) { return xOf(s.at, from, to) + "," + yOf(top[i], max); });
    var lower = samples.map(function (s, i) { return xOf(s.at, from, to) + "," + yOf(base[i], max); }).reverse();
    svg.appendChild(svgEl("polygon", { class: "area area-" + state, points: upper.concat(lower).join(" ") }));
    base = top;
  });
  attachCursor(svg, samples, from, to, function (s) {
    return clock(s.at) + " · " + STATES.map(function (st) { return (s[st] || 0) + " " + st; }).join(", ");
  }, $("readout-runners"));
  box.replaceChildren(svg, legend(STATES.map(function (s) { return ["lg-" + s, s]; })));
}

function segments(samples, key, from, to, max) {
  var out = [], current = [];
  samples.forEach(function (s) {
    if (s[key] === undefined || s[key] === null) {
      if (current.length) out.push(current);
      current = [];
    } else current.push(xOf(s.at, from, to) + "," + yOf(s[key], max));
  });
  if (current.length) out.push(current);
  return out;
}

function drawQueue(samples, queue) {
  var box = $("chart-queue");
  $("queue-meta").textContent = queue.jobs
    ? "last hour: p50 " + duration(queue.p50) + " · p90 " + duration(queue.p90) + " · " + plural(queue.jobs, "job")
    : "no job started in the last hour";
  var known = samples.filter(function (s) { return s.queueP90 !== undefined; });
  if (samples.length < 2 || !known.length) return placeholder(box, "No queue times yet: they appear as jobs start.");
  fitWidth(box);
  var from = samples[0].at, to = samples[samples.length - 1].at;
  var max = niceMax(Math.max.apply(null, known.map(function (s) { return s.queueP90; })));
  var svg = chartFrame("Queue time p50 and p90 over time", max, from, to, shortDuration);
  ["queueP90", "queueP50"].forEach(function (key) {
    segments(samples, key, from, to, max).forEach(function (points) {
      if (points.length === 1) points.push(points[0]);
      svg.appendChild(svgEl("polyline", { class: key === "queueP50" ? "line-p50" : "line-p90", points: points.join(" ") }));
    });
  });
  attachCursor(svg, samples, from, to, function (s) {
    return clock(s.at) + " · " + (s.queueP50 === undefined ? "no jobs started" : "p50 " + duration(s.queueP50) + ", p90 " + duration(s.queueP90));
  }, $("readout-queue"));
  box.replaceChildren(svg, legend([["lg-p50", "p50"], ["lg-p90", "p90"]]));
}
`;
