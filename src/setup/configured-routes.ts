import type { Hono } from "hono";
import type { Checklist } from "./checklist.js";
import { checklistPage, problemPage } from "./setup-pages.js";

/**
 * `/setup` once Mayfly has credentials: setup is closed (every POST is refused, nothing is stored) and the
 * page shows the checklist instead. `/setup/installed` is the App's setup URL, where GitHub sends the
 * admin after installing.
 */
export function mountConfiguredSetupRoutes(
  app: Hono,
  deps: { checklist: Checklist; installUrl?: string },
): void {
  const page = async () => checklistPage({ items: await deps.checklist.run(), installUrl: deps.installUrl });
  const headers = {
    "content-security-policy": "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'",
    "cache-control": "no-store",
  };
  app.get("/setup", async (c) => c.html(await page(), 200, headers));
  app.get("/setup/installed", async (c) => c.html(await page(), 200, headers));
  app.post("/setup/*", (c) =>
    c.html(
      problemPage("Setup is closed", "Mayfly is already configured; setup stores nothing now."),
      409,
      headers,
    ),
  );
}
