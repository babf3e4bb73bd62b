import type { HttpBindings } from "@hono/node-server";
import type { Context, Hono } from "hono";
import { bodyLimit } from "hono/body-limit";
import type { Logger } from "pino";
import { z } from "zod";
import type { EventLog } from "../events/event-log.js";
import { KeyedRateLimiter } from "../http/rate-limiter.js";
import type { Metrics } from "../metrics.js";
import type { Enrol } from "./enrol.js";

/**
 * `POST /bootstrap`: the instance's one call to the app. Size-limited, rate-limited per source address
 * (refusals much more strictly, to slow probing), schema-checked. Refusals are a bare 401/403 to the
 * caller; the reason goes to the log, the event log and a metric. Never logs the token or the config.
 */
const requestSchema = z.object({
  token: z.string().min(1).max(4096),
  identity: z.object({ document: z.string().min(1).max(4096), signature: z.string().min(1).max(2048) }),
});

export function mountBootstrapRoute(
  app: Hono,
  deps: { enrol: Enrol; events: EventLog; metrics: Metrics; log: Logger; now?: () => number },
): void {
  const requests = new KeyedRateLimiter({ capacity: 200, refillPerSecond: 50, now: deps.now });
  const refusals = new KeyedRateLimiter({ capacity: 20, refillPerSecond: 1, now: deps.now });

  app.post(
    "/bootstrap",
    bodyLimit({ maxSize: 16 * 1024, onError: (c) => c.json({ error: "request too large" }, 413) }),
    async (c) => {
      const source = sourceAddress(c);
      const wait = Math.max(requests.take(source), 0);
      if (wait > 0) return tooMany(c, wait);
      let body: unknown;
      try {
        body = await c.req.json();
      } catch {
        return c.json({ error: "body must be JSON: { token, identity: { document, signature } }" }, 400);
      }
      const parsed = requestSchema.safeParse(body);
      if (!parsed.success)
        return c.json({ error: "body must be JSON: { token, identity: { document, signature } }" }, 400);

      let result: Awaited<ReturnType<Enrol>>;
      const signal = c.req.raw.signal;
      try {
        result = await deps.enrol({ ...parsed.data, signal });
      } catch (error) {
        // A caller that hung up (its attempt timed out) got no config, and will ask again.
        if (signal.aborted)
          deps.log.info({ source }, "bootstrap caller hung up before its config was issued");
        else deps.log.error({ err: error, source }, "bootstrap could not complete; the instance will retry");
        return c.json({ error: "temporarily unavailable, retry" }, 503);
      }
      if (!result.ok) {
        deps.metrics.bootstrapRefusals.inc({ reason: result.reason });
        deps.events.record({
          kind: "bootstrap.refused",
          reason: result.reason,
          message: `bootstrap refused (${result.reason}): ${result.detail}`,
          instanceId: result.instanceId,
          pool: result.pool,
          org: result.org,
        });
        deps.log.warn(
          { reason: result.reason, instanceId: result.instanceId, source },
          `bootstrap refused: ${result.detail}`,
        );
        const penalty = refusals.take(source);
        if (penalty > 0) return tooMany(c, penalty);
        return c.json({ error: "bootstrap refused" }, result.status);
      }
      deps.metrics.bootstrapIssued.inc({ pool: result.pool });
      deps.events.record({
        kind: "bootstrap.issued",
        pool: result.pool,
        org: result.org,
        instanceId: result.instanceId,
        runnerName: result.runnerName,
        message: `${result.instanceId} enrolled as runner ${result.runnerName}${result.reissued ? " (again: the first answer never reached it)" : ""}`,
      });
      c.header("cache-control", "no-store");
      return c.json({ runnerName: result.runnerName, encodedJitConfig: result.encodedJitConfig });
    },
  );
}

function sourceAddress(c: Context): string {
  const bindings = c.env as HttpBindings | undefined;
  return bindings?.incoming?.socket?.remoteAddress ?? "unknown";
}

function tooMany(c: Context, waitMs: number) {
  c.header("retry-after", String(Math.ceil(waitMs / 1000)));
  return c.json({ error: "too many requests" }, 429);
}
