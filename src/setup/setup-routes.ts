import { randomBytes } from "node:crypto";
import type { Context, Hono } from "hono";
import { getCookie, setCookie } from "hono/cookie";
import type { Logger } from "pino";
import { z } from "zod";
import { SetupError } from "../errors.js";
import type { ConvertManifestCode } from "../github/app-manifest-conversion.js";
import type { AppCredentials } from "./app-credentials.js";
import { type AppYml, buildManifest } from "./build-manifest.js";
import type { CredentialStore } from "./credential-store.js";
import type { SetupGuard } from "./setup-guard.js";
import { createdPage, orgPage, problemPage, toGitHubPage, tokenPage } from "./setup-pages.js";

/**
 * Setup mode's HTTP surface. `/setup` asks for the setup token, then for the org; the manifest goes to
 * GitHub by a form post from the admin's browser; GitHub sends the browser back to `/setup/callback`
 * with a code, which is converted once, stored, and handed to `configured` (which leaves setup mode).
 * Every refusal stores nothing. Webhooks are answered 503 until then: GitHub's `ping` to the new App
 * fails and the checklist redelivers it once Mayfly runs.
 */
export interface SetupRouteDeps {
  publicUrl: string;
  webhookPath: string;
  webUrl: string;
  appYml: AppYml;
  guard: SetupGuard;
  convert: ConvertManifestCode;
  store: CredentialStore;
  configured(credentials: AppCredentials): Promise<void>;
  log: Logger;
}

const COOKIE = "mayfly_setup";
const orgForm = z.object({
  csrf: z.string().min(1),
  org: z.string().regex(/^[A-Za-z0-9](?:[A-Za-z0-9-]{0,38})$/, "is not an organization name"),
  name: z.string().trim().min(1).max(34).default("Mayfly"),
});
const callbackQuery = z.object({ code: z.string().min(1).max(100), state: z.string().min(1).max(200) });

export function mountSetupRoutes(app: Hono, deps: SetupRouteDeps): void {
  const { guard, log } = deps;
  const secure = deps.publicUrl.startsWith("https://");
  const hookUrl = `${deps.publicUrl}${deps.webhookPath}`;
  let converting = false;

  const html = (c: Context, status: number, body: string, nonce?: string) => {
    const script = nonce ? `'nonce-${nonce}'` : "'none'";
    c.header(
      "content-security-policy",
      `default-src 'none'; style-src 'unsafe-inline'; script-src ${script}; form-action 'self' ${new URL(deps.webUrl).origin}; base-uri 'none'; frame-ancestors 'none'`,
    );
    c.header("cache-control", "no-store");
    // Not no-referrer: under it browsers send `Origin: null` even on same-origin POSTs.
    c.header("referrer-policy", "same-origin");
    return c.html(body, status as 200);
  };
  const session = (c: Context) => guard.session(getCookie(c, COOKIE));
  const sameOrigin = (c: Context) =>
    guard.sameOrigin({ origin: c.req.header("origin"), secFetchSite: c.req.header("sec-fetch-site") });

  app.get("/", (c) => c.redirect("/setup"));
  app.get("/setup", (c) => {
    const id = session(c);
    if (!id) return html(c, 200, tokenPage());
    return html(c, 200, orgPage({ csrf: guard.csrf(id), webUrl: deps.webUrl, hookUrl }));
  });
  app.post("/setup/session", async (c) => {
    if (!sameOrigin(c))
      return html(c, 403, problemPage("Refused", "A cross-site request cannot open setup."));
    const form = await c.req.parseBody();
    if (typeof form.token !== "string" || !guard.tokenMatches(form.token)) {
      log.warn("setup: wrong setup token");
      return html(c, 403, tokenPage("That is not the setup token. Copy it from Mayfly's log."));
    }
    setCookie(c, COOKIE, guard.open(), {
      httpOnly: true,
      secure,
      sameSite: "Lax",
      path: "/setup",
      maxAge: 3600,
    });
    return c.redirect("/setup", 303);
  });
  app.post("/setup/manifest", async (c) => {
    const id = session(c);
    const form = orgForm.safeParse(await c.req.parseBody());
    if (!id || !sameOrigin(c) || !form.success || form.data.csrf !== guard.csrf(id)) {
      if (id && form.success === false && sameOrigin(c)) {
        const text = form.error.issues.map((i) => `${String(i.path[0])} ${i.message}`).join("; ");
        return html(c, 400, orgPage({ csrf: guard.csrf(id), webUrl: deps.webUrl, hookUrl, text }));
      }
      log.warn("setup: refused a manifest request without a valid session and CSRF token");
      return html(
        c,
        403,
        problemPage("Refused", "This request did not come from the setup page. Open /setup again."),
      );
    }
    const manifest = buildManifest(deps.appYml, deps, form.data.name);
    const nonce = randomBytes(16).toString("base64");
    const action = `${deps.webUrl}/organizations/${encodeURIComponent(form.data.org)}/settings/apps/new`;
    return html(
      c,
      200,
      toGitHubPage({ action, manifest: JSON.stringify(manifest), state: guard.state(id), nonce }),
      nonce,
    );
  });
  app.get("/setup/callback", async (c) => {
    const id = session(c);
    const query = callbackQuery.safeParse(c.req.query());
    if (!id || !query.success || query.data.state !== guard.state(id)) {
      log.warn("setup: refused a callback whose state does not match this browser's setup session");
      return html(
        c,
        403,
        problemPage(
          "Refused",
          "This callback does not belong to your setup session. Start again from /setup.",
        ),
      );
    }
    if (converting) return html(c, 409, problemPage("Busy", "A conversion is already in progress."));
    converting = true;
    try {
      const app = await deps.convert(query.data.code);
      const credentials: AppCredentials = {
        APP_ID: String(app.id),
        GITHUB_APP_SLUG: app.slug,
        PRIVATE_KEY: app.pem,
        WEBHOOK_SECRET: app.webhook_secret,
        GITHUB_CLIENT_ID: app.client_id,
        GITHUB_CLIENT_SECRET: app.client_secret,
      };
      await deps.store.save(credentials);
      log.info(
        { appId: app.id, slug: app.slug, where: deps.store.where },
        "setup: GitHub App created and stored",
      );
      await deps.configured(credentials);
      return html(
        c,
        200,
        createdPage({
          appName: app.name,
          installUrl: `${app.html_url}/installations/new`,
          where: deps.store.where,
        }),
      );
    } catch (error) {
      if (!(error instanceof SetupError)) throw error;
      log.warn({ reason: error.message }, "setup: conversion refused");
      return html(c, error.status, problemPage("Setup failed", error.message));
    } finally {
      converting = false;
    }
  });
  app.post(deps.webhookPath, (c) =>
    c.json({ error: "Mayfly is in setup mode: no GitHub App credentials yet" }, 503),
  );
  app.get("/healthz", (c) => c.json({ ok: true, setup: true }));
  app.get("/readyz", (c) => c.json({ ready: false, setup: true }, 503));
}
