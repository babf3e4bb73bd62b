import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Sandbox, startSandbox } from "../../../sandbox/sandbox.js";
import { startSetupMode } from "../../../sandbox/start-setup-mode.js";
import { ConfigError } from "../../../src/errors.js";
import { loadStartup } from "../../../src/setup/load-startup.js";
import type { RunningApp } from "../../../src/setup/start-app.js";

/**
 * Setup mode under bad input, over HTTP against the GitHub emulator: every refusal is clear and stores
 * nothing (no .env appears, the app stays in setup mode); after success, setup is closed.
 */
const TOKEN = "setup-token-for-the-integration-test-0123";
let sandbox: Sandbox;
let app: RunningApp & { publicUrl: string; envFile: string };
let dir: string;
let offset = 0;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "mayfly-setup-"));
  sandbox = await startSandbox({ github: { now: () => Date.now() + offset } });
  app = await startSetupMode(sandbox, { dir, setupToken: TOKEN });
});
afterAll(async () => {
  await app?.stop();
  await sandbox?.stop();
  rmSync(dir, { recursive: true, force: true });
});

const unescapeHtml = (s: string) =>
  s
    .replaceAll("&quot;", '"')
    .replaceAll("&#39;", "'")
    .replaceAll("&lt;", "<")
    .replaceAll("&gt;", ">")
    .replaceAll("&amp;", "&");
const field = (html: string, name: string) =>
  unescapeHtml(new RegExp(`name="${name}" value="([^"]*)"`).exec(html)?.[1] ?? "");

async function post(path: string, form: Record<string, string>, headers: Record<string, string> = {}) {
  return fetch(`${app.publicUrl}${path}`, {
    method: "POST",
    redirect: "manual",
    headers: { origin: app.publicUrl, "content-type": "application/x-www-form-urlencoded", ...headers },
    body: new URLSearchParams(form),
  });
}

async function session(): Promise<string> {
  const res = await post("/setup/session", { token: TOKEN });
  expect(res.status).toBe(303);
  return (res.headers.get("set-cookie") ?? "").split(";")[0] ?? "";
}

/** Session, CSRF, manifest and state as the setup page hands them to the browser. */
async function manifestFor(cookie: string, name: string) {
  const page = await (await fetch(`${app.publicUrl}/setup`, { headers: { cookie } })).text();
  const res = await post("/setup/manifest", { csrf: field(page, "csrf"), org: "acme", name }, { cookie });
  expect(res.status).toBe(200);
  const html = await res.text();
  return { manifest: field(html, "manifest"), state: field(html, "state") };
}

/** Confirms on the emulator's new-app page; returns the code GitHub redirects with. */
async function codeFor(manifest: string, state: string): Promise<string> {
  const res = await fetch(`${sandbox.github.url}/organizations/acme/settings/apps/new`, {
    method: "POST",
    redirect: "manual",
    headers: { "content-type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams({ manifest, state, confirm_as: "octo-admin" }),
  });
  return new URL(res.headers.get("location") ?? "").searchParams.get("code") ?? "";
}

const callback = (cookie: string, code: string, state: string) =>
  fetch(`${app.publicUrl}/setup/callback?${new URLSearchParams({ code, state })}`, { headers: { cookie } });

function nothingStored() {
  expect(existsSync(app.envFile)).toBe(false);
  expect(app.mode()).toBe("setup");
}

describe("setup mode refuses bad input and stores nothing", () => {
  it("names PUBLIC_URL when it is missing", async () => {
    const env: Record<string, string | undefined> = await sandbox.env();
    delete env.PUBLIC_URL;
    delete env.APP_ID;
    const error = (() => {
      try {
        loadStartup({ env });
      } catch (e) {
        return e;
      }
    })();
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).message).toContain("PUBLIC_URL: is missing, and setup mode needs it");
  });

  it("refuses a wrong token and a cross-site or origin-less token POST", async () => {
    expect((await post("/setup/session", { token: "not-the-token" })).status).toBe(403);
    const crossSite = await post("/setup/session", { token: TOKEN }, { origin: "https://evil.example" });
    expect(crossSite.status).toBe(403);
    expect(crossSite.headers.get("set-cookie")).toBeNull();
    const fetchSite = await post("/setup/session", { token: TOKEN }, { "sec-fetch-site": "cross-site" });
    expect(fetchSite.status).toBe(403);
    nothingStored();
  });

  it("refuses a manifest POST with a forged cookie or a wrong CSRF token", async () => {
    const cookie = await session();
    expect((await post("/setup/manifest", { csrf: "x", org: "acme" }, { cookie })).status).toBe(403);
    const forged = `mayfly_setup=${cookie.split("=")[1]?.split(".")[0]}.AAAA`;
    const page = await (await fetch(`${app.publicUrl}/setup`, { headers: { cookie } })).text();
    expect(
      (await post("/setup/manifest", { csrf: field(page, "csrf"), org: "acme" }, { cookie: forged })).status,
    ).toBe(403);
    expect(
      (
        await post(
          "/setup/manifest",
          { csrf: field(page, "csrf"), org: "acme" },
          { cookie, origin: "https://evil.example" },
        )
      ).status,
    ).toBe(403);
    nothingStored();
  });

  it("refuses a callback with another session's state, a wrong code, a used code and an expired code", async () => {
    const mine = await session();
    const theirs = await session();
    const { manifest, state } = await manifestFor(mine, "Mayfly Bad Input");
    expect(manifest).toContain(`${app.publicUrl}/api/github/webhooks`);
    expect(JSON.parse(manifest).callback_urls).toEqual([`${app.publicUrl}/dashboard/callback`]);
    const code = await codeFor(manifest, state);
    expect((await callback(theirs, code, state)).status).toBe(403);
    nothingStored();

    const wrong = await callback(mine, "0123456789abcdef0123", state);
    expect(wrong.status).toBe(404);
    expect(await wrong.text()).toContain("wrong, was already used, or is older than an hour");
    nothingStored();

    // Someone else converted it first: GitHub answers 404 to the second use.
    const used = await codeFor(JSON.stringify({ ...JSON.parse(manifest), name: "Mayfly Used" }), state);
    expect(
      (await fetch(`${sandbox.github.url}/app-manifests/${used}/conversions`, { method: "POST" })).status,
    ).toBe(201);
    expect((await callback(mine, used, state)).status).toBe(404);
    nothingStored();

    const late = await codeFor(JSON.stringify({ ...JSON.parse(manifest), name: "Mayfly Late" }), state);
    offset = 3_600_001;
    expect((await callback(mine, late, state)).status).toBe(404);
    offset = 0;
    nothingStored();

    // The first code still works, once; then setup is closed.
    expect((await callback(mine, code, state)).status).toBe(200);
    expect(existsSync(app.envFile)).toBe(true);
    expect(app.mode()).toBe("run");
    expect((await post("/setup/session", { token: TOKEN })).status).toBe(409);
    expect((await post("/setup/manifest", { csrf: "x", org: "acme" }, { cookie: mine })).status).toBe(409);
  });
});
