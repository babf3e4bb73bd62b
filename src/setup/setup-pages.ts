import { escapeHtml } from "../dashboard/escape-html.js";

/** Setup mode's pages: plain forms; the one script (submitting the manifest to GitHub) carries a nonce. */

function layout(title: string, body: string, nonce?: string): string {
  const script = nonce
    ? `<script nonce="${nonce}">document.getElementById("to-github").submit()</script>`
    : "";
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${escapeHtml(title)} · Mayfly setup</title>
<style>body{font-family:system-ui,sans-serif;max-width:40rem;margin:3rem auto;padding:0 1rem;line-height:1.5}
input{font-size:1rem;padding:.4rem;width:100%;box-sizing:border-box}button{font-size:1rem;padding:.5rem 1rem;margin-top:.5rem}
.problem{border-left:4px solid #c00;padding-left:.75rem}li.ok::marker{content:"✓ "}li.fail::marker{content:"✗ "}li.unknown::marker{content:"? "}</style>
</head><body><h1>${escapeHtml(title)}</h1>${body}${script}</body></html>`;
}

const problem = (text?: string) => (text ? `<p class="problem" role="alert">${escapeHtml(text)}</p>` : "");

export function tokenPage(text?: string): string {
  return layout(
    "Set up Mayfly",
    `<p>Mayfly has no GitHub App yet. This page registers one for your organization from <code>app.yml</code>.</p>
${problem(text)}
<form method="post" action="/setup/session">
<label>Setup token (printed in Mayfly's log at start; on AWS, the stack output <code>SetupTokenCommand</code> reads it)
<input name="token" type="password" autocomplete="off" required></label>
<button type="submit">Continue</button></form>`,
  );
}

export function orgPage(input: { csrf: string; webUrl: string; hookUrl: string; text?: string }): string {
  return layout(
    "Create the GitHub App",
    `${problem(input.text)}
<p>GitHub (${escapeHtml(input.webUrl)}) will ask you to confirm. Webhooks will go to <code>${escapeHtml(input.hookUrl)}</code>.</p>
<form method="post" action="/setup/manifest">
<input type="hidden" name="csrf" value="${escapeHtml(input.csrf)}">
<label>Organization <input name="org" required pattern="[A-Za-z0-9][A-Za-z0-9-]{0,38}" autocomplete="off"></label>
<label>App name (unique on GitHub) <input name="name" value="Mayfly" maxlength="34"></label>
<button type="submit">Create the GitHub App on GitHub</button></form>`,
  );
}

export function toGitHubPage(input: {
  action: string;
  manifest: string;
  state: string;
  nonce: string;
}): string {
  return layout(
    "Sending you to GitHub",
    `<form id="to-github" method="post" action="${escapeHtml(input.action)}">
<input type="hidden" name="manifest" value="${escapeHtml(input.manifest)}">
<input type="hidden" name="state" value="${escapeHtml(input.state)}">
<button type="submit">Continue to GitHub</button></form>`,
    input.nonce,
  );
}

export function createdPage(input: { appName: string; installUrl: string; where: string }): string {
  return layout(
    "GitHub App created",
    `<p><strong>${escapeHtml(input.appName)}</strong> is registered; its credentials are stored in ${escapeHtml(input.where)}.
Mayfly has left setup mode and is running.</p>
<p><a id="install" href="${escapeHtml(input.installUrl)}">Install ${escapeHtml(input.appName)} on your organization</a></p>`,
  );
}

export function problemPage(title: string, text: string): string {
  return layout(title, `${problem(text)}<p><a href="/setup">Back to setup</a></p>`);
}

export function checklistPage(input: {
  items: readonly { label: string; status: "ok" | "fail" | "unknown"; detail: string; fix?: string }[];
  installUrl?: string;
}): string {
  const items = input.items
    .map(
      (i) =>
        `<li class="${i.status}" data-status="${i.status}"><strong>${escapeHtml(i.label)}</strong>: ${escapeHtml(i.detail)}${i.fix ? ` <em>Fix: ${escapeHtml(i.fix)}</em>` : ""}</li>`,
    )
    .join("\n");
  const install = input.installUrl
    ? `<p><a href="${escapeHtml(input.installUrl)}">Install or configure the App</a></p>`
    : "";
  return layout(
    "Mayfly is configured",
    `<p>Setup is closed. What Mayfly checked itself:</p><ul id="checklist">${items}</ul>${install}<p><a href="/dashboard">Dashboard</a></p>`,
  );
}
