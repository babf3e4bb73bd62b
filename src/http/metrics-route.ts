import type { Hono } from "hono";
import type { Registry } from "prom-client";
import { constantTimeEqual } from "../dashboard/constant-time-equal.js";

/**
 * Prometheus metrics, for a scraper holding `MAYFLY_METRICS_TOKEN` only (issue 10, finding 11): the
 * series name pools, orgs' activity, error rates and process internals, and the listener is public
 * (GitHub must reach the webhook). A token of its own, not the dashboard's: the dashboard token can act
 * (terminate, drain), and a scraper needs to read. With no token configured the route is closed.
 * Prometheus sends it with `authorization: { credentials_file: … }` (docs/security.md shows the config).
 */
export function mountMetricsRoute(app: Hono, deps: { registry: Registry; token: string | undefined }): void {
  app.get("/metrics", async (c) => {
    const match = /^Bearer ([\x21-\x7e]{1,512})$/.exec(c.req.header("authorization") ?? "");
    if (!deps.token || !match?.[1] || !constantTimeEqual(match[1], deps.token)) {
      c.header("www-authenticate", 'Bearer realm="mayfly-metrics"');
      const error = deps.token
        ? "send Authorization: Bearer <MAYFLY_METRICS_TOKEN>"
        : "metrics are closed: set MAYFLY_METRICS_TOKEN and send it as a bearer token";
      return c.json({ error }, 401);
    }
    c.header("content-type", deps.registry.contentType);
    return c.body(await deps.registry.metrics());
  });
}
