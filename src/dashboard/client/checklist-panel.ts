import { api } from "./api.js";
import { el } from "./dom.js";

interface ChecklistView {
  items: { label: string; status: "ok" | "fail" | "unknown"; detail: string; fix?: string }[];
  failed: number;
}

const MARK = { ok: "✓", fail: "✗", unknown: "?" } as const;

/**
 * The setup panel (operators only; the page leaves it out for others): what Mayfly verified about its own
 * setup, failed and unknown items first, each with what to do. Refreshed every minute.
 */
export async function refreshChecklist(): Promise<void> {
  const list = document.getElementById("checklist");
  const meta = document.getElementById("checklist-meta");
  if (!list || !meta) return;
  try {
    const view = await api<ChecklistView>("/api/v1/checklist");
    const order = { fail: 0, unknown: 1, ok: 2 } as const;
    const items = [...view.items].sort((a, b) => order[a.status] - order[b.status]);
    list.replaceChildren(
      ...items.map((item) =>
        el("li", { class: `check ${item.status}`, "data-status": item.status }, [
          el("span", { class: "mark", "aria-hidden": "true" }, MARK[item.status]),
          el("strong", null, item.label),
          " ",
          el("span", { class: "muted" }, item.detail),
          item.fix ? el("p", { class: "fix" }, `What to do: ${item.fix}`) : null,
        ]),
      ),
    );
    meta.textContent = view.failed === 0 ? "all verified" : `${view.failed} to look at`;
  } catch (error) {
    meta.textContent = `not checked (${(error as Error).message})`;
  }
}
