import { createHash } from "node:crypto";
import type { Hono } from "hono";
import { CLIENT_CHARTS } from "./assets/client-charts.js";
import { CLIENT_CORE } from "./assets/client-core.js";
import { CLIENT_LIVE } from "./assets/client-live.js";
import { CLIENT_TABLES } from "./assets/client-tables.js";
import { DASHBOARD_CSS, ICON_SVG } from "./assets/styles.js";
import type { DashboardEnv } from "./dashboard-env.js";

/**
 * The dashboard's own script, stylesheet and icon, served from this origin (the CSP allows nothing else)
 * and kept in TypeScript modules so the compiled app carries them with no copy step. Pages link them
 * with `?v=<hash>`, so they can be cached for good.
 */
export const DASHBOARD_JS = `(function () {\n${CLIENT_CORE}\n${CLIENT_TABLES}\n${CLIENT_CHARTS}\n${CLIENT_LIVE}\n})();\n`;

export const ASSET_VERSION = createHash("sha256")
  .update(DASHBOARD_JS)
  .update(DASHBOARD_CSS)
  .update(ICON_SVG)
  .digest("hex")
  .slice(0, 12);

const ASSETS: Record<string, { type: string; body: string }> = {
  "dashboard.js": { type: "text/javascript; charset=utf-8", body: DASHBOARD_JS },
  "dashboard.css": { type: "text/css; charset=utf-8", body: DASHBOARD_CSS },
  "icon.svg": { type: "image/svg+xml", body: ICON_SVG },
};

export function mountAssetRoutes(app: Hono<DashboardEnv>): void {
  app.get("/dashboard/assets/:name", (c) => {
    const asset = ASSETS[c.req.param("name")];
    if (!asset) return c.notFound();
    c.header("content-type", asset.type);
    c.header(
      "cache-control",
      c.req.query("v") === ASSET_VERSION ? "public, max-age=31536000, immutable" : "no-cache",
    );
    return c.body(asset.body);
  });
}
