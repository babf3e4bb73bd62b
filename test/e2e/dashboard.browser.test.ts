import { existsSync, mkdirSync } from "node:fs";
import { type Browser, chromium, type Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Sandbox, startSandbox } from "../../sandbox/sandbox.js";
import { startMayfly } from "../../sandbox/start-mayfly.js";
import { decodeSecret } from "../../src/config.js";
import { createSessionTokens } from "../../src/dashboard/session.js";
import type { Mayfly } from "../../src/mayfly.js";
import { waitFor } from "../helpers/wait-for.js";

/**
 * The dashboard in a real browser (Debian's Chromium through playwright-core): sign in through the
 * GitHub emulator's OAuth flow, watch runners come and go, see a denial with its reason, terminate an
 * instance through the confirmation dialog; and without a session nothing is served.
 */
const CHROMIUM = "/usr/bin/chromium";
// Flags from the machine notes: headless, no sandbox as root, and no background traffic on a closed network.
const FLAGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
];
const SMALL = ["self-hosted", "linux", "x64", "mayfly-small"];

/** CI (.ci/run, CI=true) installs Chromium: there a missing browser is a broken image and fails the test. */
const inCi = () => process.env.CI === "true";
const missing = `${CHROMIUM} is missing: apt-get install -y chromium (.ci/run does)`;
const skip = !existsSync(CHROMIUM) && !inCi();
if (skip) console.warn(`skipping the dashboard browser test: ${missing}`);

describe.skipIf(skip)(
  skip ? `the dashboard in a browser (skipped: ${missing})` : "the dashboard in a browser",
  () => {
    let sandbox: Sandbox;
    let mayfly: Mayfly & { url: string };
    let browser: Browser;
    let page: Page;
    beforeAll(async () => {
      if (!existsSync(CHROMIUM)) throw new Error(missing);
      sandbox = await startSandbox({ bootDelayMs: 400 });
      mayfly = await startMayfly(sandbox, {
        mayfly: { dashboardTiming: { sampleIntervalMs: 1_000, streamTickMs: 1_000, observeTtlMs: 500 } },
      });
      browser = await chromium.launch({ executablePath: CHROMIUM, args: FLAGS });
      page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    });
    afterAll(async () => {
      await browser?.close();
      await mayfly?.stop();
      await sandbox?.stop();
    });

    it("answers 401/403 or a sign-in redirect to anyone without a valid session", async () => {
      const env = await sandbox.env();
      const get = (path: string, headers: Record<string, string> = {}) =>
        fetch(`${mayfly.url}${path}`, { headers, redirect: "manual" });
      expect((await get("/dashboard")).status).toBe(302);
      expect((await get("/dashboard")).headers.get("location")).toContain("/dashboard/login");
      for (const path of [
        "/api/v1/runners",
        "/api/v1/pools",
        "/api/v1/events",
        "/api/v1/summary",
        "/api/v1/costs",
      ]) {
        expect((await get(path)).status).toBe(401);
      }
      const post = await fetch(`${mayfly.url}/api/v1/instances/i-0123456789abcdef0/terminate`, {
        method: "POST",
      });
      expect([401, 403]).toContain(post.status);
      expect((await get("/api/v1/runners", { authorization: "Bearer not-the-token" })).status).toBe(401);

      const key = decodeSecret(env.MAYFLY_SESSION_KEY!);
      const sessions = (now: () => number) => createSessionTokens({ key, publicUrl: env.PUBLIC_URL!, now });
      const expired = await sessions(() => Date.now() - 9 * 3600_000).issue("octo-admin", {
        orgs: "all",
        csrf: "c".repeat(32),
      });
      const forgedKey = await createSessionTokens({
        key: new Uint8Array(48),
        publicUrl: env.PUBLIC_URL!,
        now: Date.now,
      }).issue("octo-admin", { orgs: "all", csrf: "c".repeat(32) });
      for (const cookie of [expired, forgedKey, `${expired.slice(0, -4)}AAAA`]) {
        expect((await get("/api/v1/runners", { cookie: `mayfly_session=${cookie}` })).status).toBe(401);
      }
    });

    it("signs in with GitHub, shows runners come and go, a denial with its reason, and terminates an instance", {
      timeout: 90_000,
    }, async () => {
      await page.goto(`${mayfly.url}/dashboard`);
      await page.getByRole("button", { name: "Sign in as octo-admin" }).click();
      await page.waitForURL(`${mayfly.url}/dashboard`);
      await expect(page.locator("h2", { hasText: "Active runners" }).first().isVisible()).resolves.toBe(true);

      const long = sandbox.github.enqueueJob({ org: "acme", repo: "api", labels: SMALL, durationMs: 60_000 });
      const short = sandbox.github.enqueueJob({ org: "acme", repo: "web", labels: SMALL, durationMs: 3_000 });
      const denied = sandbox.github.enqueueJob({
        org: "acme",
        repo: "docs",
        labels: SMALL,
        durationMs: 1_000,
      });
      await page.locator("#runners tbody tr", { hasText: "busy" }).nth(1).waitFor({ timeout: 30_000 });
      await page.locator("#events li", { hasText: "visibility" }).first().waitFor({ timeout: 10_000 });
      expect(await page.locator("#events").textContent()).toContain("acme/docs");

      // The pools table: a spot pool shows its breaker and interruptions, an on-demand one only fallbacks.
      const small = page.locator("#pools tbody tr", { hasText: "mayfly-small" });
      await small.locator('[data-breaker="closed"]').waitFor({ timeout: 10_000 });
      expect(await small.locator("td.spot").textContent()).toMatch(
        /breaker closed0 \/ 2 interruptions in 15 mfallbacks \(1 h\) 0/,
      );
      const large = page.locator("#pools tbody tr", { hasText: "mayfly-large" });
      expect(await large.locator("td.spot [data-breaker]").count()).toBe(0);
      expect(await large.locator("td.spot").textContent()).toContain("fallbacks (1 h) 0");

      mkdirSync("test-results", { recursive: true });
      await page.screenshot({ path: "test-results/dashboard.png", fullPage: true });

      // The short job finishes: its runner leaves the table without a reload.
      await waitFor("short job done", () => sandbox.github.job(short.id)?.status === "completed", 30_000);
      await page.locator("#runners tbody tr").nth(1).waitFor({ state: "detached", timeout: 30_000 });

      // Terminate the long job's instance through the confirmation dialog.
      await page.locator('#runners button[data-action="terminate"]').first().click();
      await page.locator("#confirm").waitFor({ state: "visible" });
      await page.locator("#confirm-ok").click();
      await waitFor(
        "admin action recorded",
        () => mayfly.events.list({ kinds: ["admin.action"] }).find((e) => e.actor === "octo-admin"),
        10_000,
      );
      await page.locator("#runners tbody tr").nth(0).waitFor({ state: "detached", timeout: 30_000 });
      expect(sandbox.github.job(denied.id)?.status).toBe("queued");
      expect(sandbox.github.job(long.id)?.status).not.toBe("completed");
    });
  },
);
