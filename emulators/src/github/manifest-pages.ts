/** The emulator's pages for GitHub's App manifest and installation flows: plain HTML forms, no JavaScript. */

import { escapeHtml } from "../support/escape-html.js";

function page(title: string, body: string): string {
  return `<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><title>${escapeHtml(title)}</title>
<style>body{font-family:system-ui,sans-serif;max-width:34rem;margin:4rem auto;padding:0 1rem}
button{display:block;width:100%;margin:.5rem 0;padding:.6rem;font-size:1rem;cursor:pointer}
input[type=text]{width:100%;padding:.4rem;font-size:1rem}</style></head>
<body>${body}</body>
</html>`;
}

const hidden = (name: string, value: string) =>
  `<input type="hidden" name="${name}" value="${escapeHtml(value)}">`;

export function errorPage(title: string, text: string): string {
  return page(title, `<h1>${escapeHtml(title)}</h1><p>${escapeHtml(text)}</p>`);
}

/**
 * "Create GitHub App for ORG": the App's name (editable, as on GitHub) and one button per user who may
 * create it. The manifest and state travel on in hidden fields.
 */
export function newAppPage(input: {
  action: string;
  owner: string;
  manifest: string;
  state: string | null;
  name: string;
  users: readonly string[];
  problem?: string;
}): string {
  const fields =
    hidden("manifest", input.manifest) + (input.state === null ? "" : hidden("state", input.state));
  const buttons = input.users.length
    ? input.users
        .map(
          (login) =>
            `<button type="submit" name="confirm_as" value="${escapeHtml(login)}">Create GitHub App for ${escapeHtml(input.owner)} as ${escapeHtml(login)}</button>`,
        )
        .join("\n")
    : `<p>Nobody may create an App for ${escapeHtml(input.owner)}: it has no owners.</p>`;
  const problem = input.problem ? `<p role="alert">${escapeHtml(input.problem)}</p>` : "";
  return page(
    "Create GitHub App",
    `<h1>Create GitHub App for ${escapeHtml(input.owner)}</h1>${problem}
<form method="post" action="${escapeHtml(input.action)}">${fields}
<label>GitHub App name <input type="text" name="app_name" value="${escapeHtml(input.name)}"></label>
${buttons}</form>`,
  );
}

/** "Install APP": one button per organization the app can be installed on. */
export function installPage(input: {
  action: string;
  appName: string;
  orgs: readonly string[];
  state: string | null;
}): string {
  const state = input.state === null ? "" : hidden("state", input.state);
  const buttons = input.orgs
    .map(
      (org) =>
        `<form method="post" action="${escapeHtml(input.action)}">${state}<button type="submit" name="target" value="${escapeHtml(org)}">Install on ${escapeHtml(org)}</button></form>`,
    )
    .join("\n");
  return page(`Install ${input.appName}`, `<h1>Install ${escapeHtml(input.appName)}</h1>\n${buttons}`);
}
