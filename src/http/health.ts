import type { Hono } from "hono";

/** Liveness and readiness: open to the load balancer, and they reveal nothing. */
export function mountHealthRoutes(app: Hono, deps: { ready: () => boolean }): void {
  app.get("/healthz", (c) => c.json({ ok: true }));
  app.get("/readyz", (c) => (deps.ready() ? c.json({ ready: true }) : c.json({ ready: false }, 503)));
}
