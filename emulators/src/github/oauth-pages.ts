/** The emulator's sign-in pages: plain HTML forms, no JavaScript. */

import { escapeHtml } from "../support/escape-html.js";

function page(title: string, body: string): string {
  return `<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><title>${escapeHtml(title)}</title>
<style>body{font-family:system-ui,sans-serif;max-width:28rem;margin:4rem auto;padding:0 1rem}
button{display:block;width:100%;margin:.5rem 0;padding:.6rem;font-size:1rem;cursor:pointer}</style></head>
<body>${body}</body>
</html>`;
}

export function simplePage(title: string, text: string): string {
  return page(title, `<h1>${escapeHtml(title)}</h1><p>${escapeHtml(text)}</p>`);
}

/** One form per user; each posts back to `/login/oauth/authorize` with the original parameters. */
export function signInPage(appName: string, users: readonly string[], params: URLSearchParams): string {
  const hidden = ["client_id", "redirect_uri", "state", "scope"]
    .filter((name) => params.get(name) !== null)
    .map((name) => `<input type="hidden" name="${name}" value="${escapeHtml(params.get(name) ?? "")}">`)
    .join("");
  const buttons = users.length
    ? users
        .map(
          (login) =>
            `<form method="post" action="/login/oauth/authorize">${hidden}` +
            `<button type="submit" name="login" value="${escapeHtml(login)}">Sign in as ${escapeHtml(login)}</button></form>`,
        )
        .join("\n")
    : "<p>The emulator has no users. Add one with <code>addUser()</code>.</p>";
  return page(
    `Sign in to ${appName}`,
    `<h1>Authorize ${escapeHtml(appName)}</h1><p>GitHub emulator: choose who signs in.</p>\n${buttons}`,
  );
}
