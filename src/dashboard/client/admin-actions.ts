import { api } from "./api.js";
import type { ActionAnswer } from "./api-types.js";
import { $ } from "./dom.js";
import { view } from "./view.js";
import { toast } from "./widgets.js";

/** Drain and Terminate buttons: a confirmation that says what will happen, then the POST. */

interface Copy {
  title: string;
  text: string;
  ok: string;
}

function confirmAction(copy: Copy, onOk: () => void): void {
  const dialog = $<HTMLDialogElement>("confirm");
  if (typeof dialog.showModal !== "function") {
    if (window.confirm(`${copy.title}\n\n${copy.text}`)) onOk();
    return;
  }
  $("confirm-title").textContent = copy.title;
  $("confirm-text").textContent = copy.text;
  $("confirm-ok").textContent = copy.ok;
  dialog.returnValue = "";
  dialog.addEventListener(
    "close",
    () => {
      if (dialog.returnValue === "ok") onOk();
    },
    { once: true },
  );
  dialog.showModal();
}

function actionCopy(action: string, id: string): Copy {
  const row = view.runners?.runners.find((r) => r.instanceId === id);
  if (action === "drain") {
    return {
      title: `Drain ${row ? row.runnerName : id}?`,
      text: `The runner is removed from GitHub so it takes no new job, then instance ${id} is terminated. If it has just taken a job, nothing happens.`,
      ok: "Drain runner",
    };
  }
  const job =
    row && row.state === "busy"
      ? ` It is running a job${row.job ? ` for ${row.job.repo}` : ""}, which will fail.`
      : " A job running on it will fail.";
  return {
    title: `Terminate instance ${id}?`,
    text: `The instance is terminated now.${job} The reaper then removes its runner from GitHub.`,
    ok: "Terminate instance",
  };
}

function pathOf(action: string, id: string): string {
  return action === "drain"
    ? `/api/v1/runners/${encodeURIComponent(id)}/drain`
    : `/api/v1/instances/${encodeURIComponent(id)}/terminate`;
}

/** One listener for every row's buttons (rows are rebuilt on each update). */
export function listenForActions(): void {
  document.addEventListener("click", (ev) => {
    const target = ev.target instanceof Element ? ev.target : null;
    const button = target?.closest<HTMLButtonElement>("button[data-action]");
    if (!button) return;
    const action = button.getAttribute("data-action") ?? "";
    const id = button.getAttribute("data-instance") ?? "";
    confirmAction(actionCopy(action, id), () => {
      button.disabled = true;
      api<ActionAnswer>(pathOf(action, id), { method: "POST" })
        .then((r) => toast(r.message))
        .catch((e: Error) => {
          toast(e.message, true);
          button.disabled = false;
        });
    });
  });
}
