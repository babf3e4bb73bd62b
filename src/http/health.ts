import type { Hono } from "hono";
import type { Metrics } from "../metrics.js";

/** Liveness, readiness and Prometheus metrics. */
export function mountHealthRoutes(app: Hono, deps: { ready: () => boolean; metrics: Metrics }): void {
  app.get("/healthz", (c) => c.json({ ok: true }));
  app.get("/readyz", (c) => (deps.ready() ? c.json({ ready: true }) : c.json({ ready: false }, 503)));
  app.get("/metrics", async (c) => {
    c.header("content-type", deps.metrics.registry.contentType);
    return c.body(await deps.metrics.registry.metrics());
  });
}
