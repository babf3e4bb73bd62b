import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseEnv } from "node:util";
import { type Browser, chromium, type Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Sandbox, startSandbox } from "../../sandbox/sandbox.js";
import { startSetupMode } from "../../sandbox/start-setup-mode.js";
import type { RunningApp } from "../../src/setup/start-app.js";
import { waitFor } from "../helpers/wait-for.js";

/**
 * Zero to a first job in a real browser, with no file edited by hand: Mayfly starts with no GitHub App
 * (setup mode); the admin enters the setup token, names the org, confirms on (emulated) GitHub, installs
 * the App, and a job runs on a Mayfly runner.
 */
const CHROMIUM = "/usr/bin/chromium";
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
const TOKEN = "setup-token-for-the-browser-test-0123456789";

describe("setup in a browser", () => {
  let sandbox: Sandbox;
  let app: RunningApp & { publicUrl: string; envFile: string };
  let browser: Browser;
  let page: Page;
  let dir: string;
  beforeAll(async () => {
    if (!existsSync(CHROMIUM))
      throw new Error(`${CHROMIUM} is missing: apt-get install -y chromium (.ci/run does)`);
    dir = mkdtempSync(join(tmpdir(), "mayfly-setup-"));
    sandbox = await startSandbox({ bootDelayMs: 300 });
    app = await startSetupMode(sandbox, { dir, setupToken: TOKEN });
    browser = await chromium.launch({ executablePath: CHROMIUM, args: FLAGS });
    page = await browser.newPage({ viewport: { width: 1100, height: 800 } });
  });
  afterAll(async () => {
    await browser?.close();
    await app?.stop();
    await sandbox?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it("creates the App, installs it, and runs a job on a Mayfly runner", { timeout: 90_000 }, async () => {
    expect(app.mode()).toBe("setup");
    await page.goto(`${app.publicUrl}/setup`);
    await page.getByLabel(/Setup token/).fill(TOKEN);
    await page.getByRole("button", { name: "Continue" }).click();
    await page.getByLabel("Organization").fill("acme");
    await page.getByRole("button", { name: "Create the GitHub App on GitHub" }).click();
    // GitHub's page (the emulator's): confirm as an owner of acme.
    await page.getByRole("button", { name: "Create GitHub App for acme as octo-admin" }).click();
    await page.locator("#install").waitFor();
    expect(await page.locator("h1").textContent()).toBe("GitHub App created");
    expect(app.mode()).toBe("run");

    const stored = parseEnv(readFileSync(app.envFile, "utf8"));
    expect(stored.APP_ID).toMatch(/^\d+$/);
    expect(stored.PRIVATE_KEY).toContain("PRIVATE KEY");
    expect(statSync(app.envFile).mode & 0o777).toBe(0o600);

    await page.locator("#install").click();
    await page.getByRole("button", { name: "Install on acme" }).click();
    await page.waitForURL(/\/setup\/installed/);
    expect(await page.locator("#checklist").textContent()).toContain("Installed on the org");
    mkdirSync("test-results", { recursive: true });
    await page.screenshot({ path: "test-results/setup-checklist.png", fullPage: true });

    const job = sandbox.github.enqueueJob({
      org: "acme",
      repo: "api",
      labels: ["self-hosted", "linux", "x64", "mayfly-small"],
      durationMs: 1_000,
    });
    await waitFor(
      "the job ran on a Mayfly runner",
      () => sandbox.github.job(job.id)?.status === "completed",
      60_000,
    );
    expect(sandbox.github.job(job.id)?.runnerName).toMatch(/^mayfly-i-/);
    expect(sandbox.github.job(job.id)?.conclusion).toBe("success");

    // Setup is closed now: a POST stores nothing and says so.
    const again = await fetch(`${app.publicUrl}/setup/session`, {
      method: "POST",
      body: new URLSearchParams({ token: TOKEN }),
    });
    expect(again.status).toBe(409);
  });
});
