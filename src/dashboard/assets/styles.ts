/** The dashboard's stylesheet: system fonts only, light and dark, states by colour and text, phone-friendly. */
export const DASHBOARD_CSS = `
:root {
  --bg: #f6f7f9; --panel: #fff; --text: #1c2128; --muted: #5b6573; --line: #e3e6ea; --accent: #2563eb;
  --danger: #b91c1c; --danger-bg: #fee2e2; --warn-bg: #fff7e6; --warn: #92400e;
  --busy: #b45309; --busy-bg: #fef3c7; --idle: #047857; --idle-bg: #d1fae5;
  --booting: #6d28d9; --booting-bg: #ede9fe; --launching: #1d4ed8; --launching-bg: #dbeafe;
  --terminating: #475569; --terminating-bg: #e2e8f0;
  --radius: 10px; --shadow: 0 1px 2px rgb(0 0 0 / 6%), 0 1px 8px rgb(0 0 0 / 4%);
  font-family: system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif;
  font-size: 15px; line-height: 1.45; color: var(--text); background: var(--bg);
}
@media (prefers-color-scheme: dark) {
  :root {
    --bg: #0f1318; --panel: #171c23; --text: #e6e9ee; --muted: #9aa4b2; --line: #2a313b; --accent: #60a5fa;
    --danger: #f87171; --danger-bg: #3b1416; --warn-bg: #2d2210; --warn: #fbbf24;
    --busy: #fbbf24; --busy-bg: #3a2a0a; --idle: #34d399; --idle-bg: #0b3326;
    --booting: #a78bfa; --booting-bg: #261b45; --launching: #60a5fa; --launching-bg: #132a4d;
    --terminating: #94a3b8; --terminating-bg: #252d38; --shadow: none;
  }
}
* { box-sizing: border-box; }
body { margin: 0; }
a { color: var(--accent); }
.muted { color: var(--muted); }
.num { font-variant-numeric: tabular-nums; text-align: right; white-space: nowrap; }
code, .mono { font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; font-size: .88em; }
.topbar {
  display: flex; flex-wrap: wrap; align-items: center; gap: .5rem 1.25rem; padding: .65rem 1.25rem;
  background: var(--panel); border-bottom: 1px solid var(--line); position: sticky; top: 0; z-index: 2;
}
.brand { display: inline-flex; align-items: center; gap: .5rem; font-weight: 700; font-size: 1.1rem; color: var(--text); text-decoration: none; }
.live { margin: 0; display: inline-flex; align-items: center; gap: .4rem; color: var(--muted); font-size: .9rem; }
.live .dot { width: .6rem; height: .6rem; border-radius: 50%; background: var(--terminating); }
.live.on .dot { background: var(--idle); }
.live.off .dot { background: var(--danger); }
.who { margin-left: auto; display: flex; align-items: center; gap: .75rem; font-size: .9rem; }
main { max-width: 1400px; margin: 0 auto; padding: 1rem 1.25rem 3rem; display: grid; gap: 1rem; }
.banner { margin: 0; padding: .6rem .9rem; border-radius: var(--radius); background: var(--warn-bg); color: var(--warn); }
.cards { display: grid; grid-template-columns: repeat(auto-fit, minmax(9.5rem, 1fr)); gap: .75rem; }
.card-stat { background: var(--panel); border: 1px solid var(--line); border-radius: var(--radius); padding: .7rem .9rem; box-shadow: var(--shadow); }
.card-stat .label { font-size: .8rem; color: var(--muted); text-transform: uppercase; letter-spacing: .04em; }
.card-stat .value { font-size: 1.6rem; font-weight: 650; font-variant-numeric: tabular-nums; }
.c-busy .value { color: var(--busy); } .c-idle .value { color: var(--idle); } .c-booting .value { color: var(--booting); }
.card-stat .sub { font-size: .8rem; color: var(--muted); }
.panel { background: var(--panel); border: 1px solid var(--line); border-radius: var(--radius); padding: .9rem 1rem; box-shadow: var(--shadow); min-width: 0; }
.panel-head { display: flex; flex-wrap: wrap; align-items: baseline; gap: .25rem 1rem; margin-bottom: .6rem; }
.panel-head h2 { font-size: 1.05rem; margin: 0; }
.grid2 { display: grid; grid-template-columns: repeat(auto-fit, minmax(min(100%, 30rem), 1fr)); gap: 1rem; }
.table-wrap { overflow-x: auto; -webkit-overflow-scrolling: touch; }
table.data { width: 100%; border-collapse: collapse; font-size: .92rem; }
table.data th { text-align: left; font-weight: 600; font-size: .78rem; text-transform: uppercase; letter-spacing: .04em; color: var(--muted); padding: .4rem .6rem; border-bottom: 1px solid var(--line); white-space: nowrap; }
table.data td { padding: .5rem .6rem; border-bottom: 1px solid var(--line); vertical-align: top; }
table.data tbody tr:hover { background: color-mix(in srgb, var(--accent) 5%, transparent); }
table.data td .line2 { display: block; color: var(--muted); font-size: .85em; }
.empty { color: var(--muted); margin: .5rem 0 0; }
.badge { display: inline-flex; align-items: center; gap: .35rem; padding: .1rem .55rem; border-radius: 999px; font-size: .82rem; font-weight: 600; white-space: nowrap; border: 1px solid transparent; }
.badge::before { content: ""; width: .5rem; height: .5rem; border-radius: 50%; background: currentColor; }
.state-busy { color: var(--busy); background: var(--busy-bg); }
.state-idle { color: var(--idle); background: var(--idle-bg); }
.state-booting { color: var(--booting); background: var(--booting-bg); }
.state-launching { color: var(--launching); background: var(--launching-bg); }
.state-terminating { color: var(--terminating); background: var(--terminating-bg); }
.kind-launch { color: var(--launching); background: var(--launching-bg); }
.kind-policy, .kind-error { color: var(--danger); background: var(--danger-bg); }
.kind-bootstrap { color: var(--booting); background: var(--booting-bg); }
.kind-reap { color: var(--terminating); background: var(--terminating-bg); }
.kind-job { color: var(--idle); background: var(--idle-bg); }
.kind-webhook { color: var(--busy); background: var(--busy-bg); }
.kind-admin { color: var(--text); background: var(--line); }
meter.capacity { display: block; width: 7rem; height: .6rem; margin-top: .3rem; }
.chips { display: flex; flex-wrap: wrap; gap: .25rem; }
.chips .badge { font-size: .75rem; }
.error-text { color: var(--danger); }
.btn { font: inherit; font-size: .85rem; padding: .3rem .7rem; border-radius: 7px; border: 1px solid var(--line); background: var(--panel); color: var(--text); cursor: pointer; text-decoration: none; display: inline-block; }
.btn:hover { border-color: var(--muted); }
.btn:disabled { opacity: .45; cursor: not-allowed; }
.btn.primary { background: var(--accent); border-color: var(--accent); color: #fff; }
.btn.danger { color: var(--danger); border-color: color-mix(in srgb, var(--danger) 45%, transparent); }
.btn.danger:hover { background: var(--danger-bg); }
.btn.ghost { background: transparent; }
.row-actions { display: flex; gap: .35rem; justify-content: flex-end; white-space: nowrap; }
.chart svg { display: block; width: 100%; height: auto; }
.chart .grid { stroke: var(--line); stroke-width: 1; }
.chart .axis { fill: var(--muted); font-size: 11px; }
.chart .cursor { stroke: var(--muted); stroke-dasharray: 3 3; }
.area-busy { fill: var(--busy); } .area-idle { fill: var(--idle); } .area-booting { fill: var(--booting); }
.area-launching { fill: var(--launching); } .area-terminating { fill: var(--terminating); }
.chart .area { fill-opacity: .55; }
.line-p50 { stroke: var(--accent); fill: none; stroke-width: 2; }
.line-p90 { stroke: var(--busy); fill: none; stroke-width: 2; }
.legend { display: flex; flex-wrap: wrap; gap: .4rem .9rem; font-size: .82rem; color: var(--muted); margin: .4rem 0 0; padding: 0; list-style: none; }
.lg-busy { color: var(--busy); } .lg-idle { color: var(--idle); } .lg-booting { color: var(--booting); }
.lg-launching { color: var(--launching); } .lg-terminating { color: var(--terminating); }
.lg-p50 { color: var(--accent); } .lg-p90 { color: var(--busy); }
.legend i { display: inline-block; width: .7rem; height: .7rem; border-radius: 2px; margin-right: .3rem; vertical-align: -1px; background: currentColor; }
.readout { min-height: 1.3em; margin: .3rem 0 0; font-size: .85rem; font-variant-numeric: tabular-nums; }
.events { list-style: none; margin: 0; padding: 0; max-height: 32rem; overflow-y: auto; }
.events li { display: grid; grid-template-columns: 6.5rem 11rem 1fr; gap: .25rem .75rem; padding: .45rem 0; border-bottom: 1px solid var(--line); font-size: .9rem; }
.events time { color: var(--muted); font-variant-numeric: tabular-nums; white-space: nowrap; }
.events .meta { display: block; color: var(--muted); font-size: .85em; }
.filter { font-size: .85rem; color: var(--muted); margin-left: auto; }
.filter select { font: inherit; padding: .15rem .3rem; border-radius: 6px; border: 1px solid var(--line); background: var(--panel); color: var(--text); }
.note { font-size: .85rem; margin: .6rem 0 0; }
dialog { border: 1px solid var(--line); border-radius: var(--radius); background: var(--panel); color: var(--text); padding: 1.1rem 1.2rem; max-width: min(28rem, 92vw); box-shadow: 0 10px 40px rgb(0 0 0 / 25%); }
dialog::backdrop { background: rgb(0 0 0 / 40%); }
dialog h3 { margin: 0 0 .5rem; }
dialog .actions { display: flex; justify-content: flex-end; gap: .5rem; margin-top: 1rem; }
.toast { position: fixed; bottom: 1rem; left: 50%; transform: translateX(-50%); background: var(--text); color: var(--bg); padding: .55rem 1rem; border-radius: 8px; font-size: .9rem; max-width: 92vw; z-index: 5; }
.toast.bad { background: var(--danger); color: #fff; }
body.message { display: grid; place-items: center; min-height: 100vh; padding: 1rem; }
body.message .card { background: var(--panel); border: 1px solid var(--line); border-radius: var(--radius); padding: 1.5rem 1.75rem; max-width: 30rem; box-shadow: var(--shadow); }
body.message h1 { font-size: 1.3rem; margin: 1rem 0 .5rem; }
@media (max-width: 640px) {
  main { padding: .75rem .6rem 2rem; }
  .topbar { padding: .6rem .75rem; }
  .who { margin-left: 0; width: 100%; justify-content: space-between; }
  .events li { grid-template-columns: auto 1fr; }
  .events li .msg { grid-column: 1 / -1; }
  /* Tables become cards: one block per row, each cell labelled by its column (data-label, set by the script). */
  table.data thead { display: none; }
  table.data, table.data tbody { display: block; }
  table.data tr { display: grid; grid-template-columns: 1fr 1fr; gap: .5rem .75rem; padding: .7rem 0; border-bottom: 1px solid var(--line); }
  table.data td { display: block; border: 0; padding: 0; min-width: 0; overflow-wrap: anywhere; }
  table.data td::before { content: attr(data-label); display: block; font-size: .7rem; text-transform: uppercase; letter-spacing: .04em; color: var(--muted); }
  table.data td[data-label=""] { grid-column: 1 / -1; }
  table.data td[data-label=""]::before { display: none; }
  table.data td.num { text-align: left; }
  .row-actions { justify-content: flex-start; }
}
`;

export const ICON_SVG = `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 32 32"><rect width="32" height="32" rx="8" fill="#2563eb"/><path d="M16 6v20" stroke="#fff" stroke-width="2.4" stroke-linecap="round"/><path d="M16 12c-4-5-10-5-10-1s6 5 10 3m0-2c4-5 10-5 10-1s-6 5-10 3m0 2c-3 3-7 6-8 4s4-5 8-4m0 0c3 3 7 6 8 4s-4-5-8-4" fill="#fff" fill-opacity=".85"/></svg>`;
