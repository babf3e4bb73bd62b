import { $, el } from "./dom.js";

/** Small pieces shared by the panels: badges, tables filled row by row, the toast and the banner. */

export function badge(cls: string, text: string): HTMLSpanElement {
  return el("span", { class: `badge ${cls}`, text });
}

/** Replaces a table's rows; each cell gets its column's label, which the phone layout shows. */
export function fillTable(id: string, rows: HTMLTableRowElement[]): void {
  const table = $<HTMLTableElement>(id);
  const headings = table.tHead?.rows.item(0)?.cells;
  const labels = Array.from(headings ?? [], (th) => th.textContent ?? "");
  for (const tr of rows) {
    Array.from(tr.cells).forEach((td, i) => {
      td.setAttribute("data-label", labels[i] ?? "");
    });
  }
  table.tBodies.item(0)?.replaceChildren(...rows);
  $(`${id}-empty`).hidden = rows.length > 0;
  table.hidden = rows.length === 0;
}

let toastTimer = 0;
export function toast(message: string, bad = false): void {
  const t = $("toast");
  t.textContent = message;
  t.className = `toast${bad ? " bad" : ""}`;
  t.hidden = false;
  window.clearTimeout(toastTimer);
  toastTimer = window.setTimeout(() => {
    t.hidden = true;
  }, 6000);
}

export function banner(message: string): void {
  const b = $("banner");
  b.textContent = message;
  b.hidden = !message;
}
