import { createHash } from "node:crypto";
import type { Hono } from "hono";
import { loadClient } from "./assets/load-client.js";
import type { DashboardEnv } from "./dashboard-env.js";

/**
 * The dashboard's own script, stylesheet and icon, served from this origin (the CSP allows nothing else).
 * The script and stylesheet are bundled from src/dashboard/client: by `npm run build` for production, or
 * here, once, when running from source. Pages link them with `?v=<hash>`, so they can be cached for good.
 */
const client = await loadClient();

export const ASSET_VERSION = createHash("sha256")
  .update(client.js)
  .update(client.css)
  .update(client.icon)
  .digest("hex")
  .slice(0, 12);

const ASSETS = new Map([
  ["dashboard.js", { type: "text/javascript; charset=utf-8", body: client.js }],
  ["dashboard.css", { type: "text/css; charset=utf-8", body: client.css }],
  ["icon.svg", { type: "image/svg+xml", body: client.icon }],
]);

export function mountAssetRoutes(app: Hono<DashboardEnv>): void {
  app.get("/dashboard/assets/:name", (c) => {
    const asset = ASSETS.get(c.req.param("name"));
    if (!asset) return c.notFound();
    c.header("content-type", asset.type);
    c.header(
      "cache-control",
      c.req.query("v") === ASSET_VERSION ? "public, max-age=31536000, immutable" : "no-cache",
    );
    return c.body(asset.body);
  });
}
