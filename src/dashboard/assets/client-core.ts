/**
 * Browser script, part 1: shared state, DOM builders and the API helper. Plain ES2017 run by the
 * browser, not compiled: every value from the API reaches the page through textContent or setAttribute,
 * never innerHTML. The parts are concatenated into one function scope by asset-routes.ts.
 */
export const CLIENT_CORE = String.raw`
"use strict";
var csrfMeta = document.querySelector('meta[name="mayfly-csrf"]');
var CSRF = csrfMeta ? csrfMeta.getAttribute("content") : "";
var STATES = ["busy", "idle", "booting", "launching", "terminating"];
var view = { runners: null, pools: null, runnersAt: 0, events: [], lastSeq: 0, summary: null, costs: null, filter: "all" };

function $(id) { return document.getElementById(id); }

function append(node, children) {
  if (children === undefined || children === null || children === false) return node;
  (Array.isArray(children) ? children : [children]).forEach(function (child) {
    if (child === undefined || child === null || child === false) return;
    node.appendChild(typeof child === "object" ? child : document.createTextNode(String(child)));
  });
  return node;
}

function el(tag, props, children) {
  var node = document.createElement(tag);
  Object.keys(props || {}).forEach(function (key) {
    var value = props[key];
    if (value === undefined || value === null || value === false) return;
    if (key === "text") node.textContent = String(value);
    else if (key === "class") node.className = value;
    else node.setAttribute(key, value === true ? "" : String(value));
  });
  return append(node, children);
}

var SVG_NS = "http://www.w3.org/2000/svg";
function svgEl(tag, attrs, text) {
  var node = document.createElementNS(SVG_NS, tag);
  Object.keys(attrs || {}).forEach(function (key) { node.setAttribute(key, String(attrs[key])); });
  if (text !== undefined) node.textContent = text;
  return node;
}

function api(path, options) {
  var method = (options && options.method) || "GET";
  var headers = { accept: "application/json" };
  if (method !== "GET") headers["x-csrf-token"] = CSRF;
  return fetch(path, { method: method, headers: headers, credentials: "same-origin", cache: "no-store" }).then(function (res) {
    if (res.status === 401) {
      location.assign("/dashboard/login");
      throw new Error("signed out");
    }
    return res.json().catch(function () { return {}; }).then(function (body) {
      if (!res.ok) throw new Error(body && body.error ? body.error : "HTTP " + res.status);
      return body;
    });
  });
}

function duration(seconds) {
  if (seconds === undefined || seconds === null || !isFinite(seconds)) return "–";
  var s = Math.max(0, Math.round(seconds));
  if (s < 60) return s + " s";
  var m = Math.floor(s / 60);
  if (m < 60) return m + " m" + (m < 10 && s % 60 ? " " + (s % 60) + " s" : "");
  var h = Math.floor(m / 60);
  if (h < 24) return h + " h" + (m % 60 ? " " + (m % 60) + " m" : "");
  return Math.floor(h / 24) + " d" + (h % 24 ? " " + (h % 24) + " h" : "");
}
function hm(at) { return new Date(at).toLocaleTimeString([], { hour: "2-digit", minute: "2-digit" }); }
function shortDuration(s) { return s < 120 ? Math.round(s) + "s" : s < 7200 ? Math.round(s / 60) + "m" : Math.round(s / 3600) + "h"; }
function clock(at) { return new Date(at).toLocaleTimeString([], { hour: "2-digit", minute: "2-digit", second: "2-digit" }); }
function money(usd) { return !usd ? "$0.00" : usd < 0.01 ? "< $0.01" : "$" + usd.toFixed(2); }
function hours(h) { return h < 10 ? h.toFixed(2) : h.toFixed(1); }
function badge(cls, text) { return el("span", { class: "badge " + cls, text: text }); }
function safeUrl(url) { return typeof url === "string" && /^https?:\/\//i.test(url) ? url : null; }
function plural(n, word) { return n + " " + word + (n === 1 ? "" : "s"); }

function fillTable(id, rows) {
  var table = $(id);
  var labels = Array.prototype.map.call(table.tHead.rows[0].cells, function (th) { return th.textContent; });
  rows.forEach(function (tr) {
    Array.prototype.forEach.call(tr.cells, function (td, i) { td.setAttribute("data-label", labels[i] || ""); });
  });
  table.tBodies[0].replaceChildren.apply(table.tBodies[0], rows);
  $(id + "-empty").hidden = rows.length > 0;
  table.hidden = rows.length === 0;
}

var toastTimer = 0;
function toast(message, bad) {
  var t = $("toast");
  t.textContent = message;
  t.className = "toast" + (bad ? " bad" : "");
  t.hidden = false;
  clearTimeout(toastTimer);
  toastTimer = setTimeout(function () { t.hidden = true; }, 6000);
}
function banner(message) {
  $("banner").textContent = message || "";
  $("banner").hidden = !message;
}
`;
