import type { HttpBindings } from "@hono/node-server";
import type { Context, Hono } from "hono";
import { bodyLimit } from "hono/body-limit";
import type { Logger } from "pino";
import { z } from "zod";
import type { EventInput } from "../events/event-log.js";
import { KeyedRateLimiter } from "../http/rate-limiter.js";
import type { Report } from "../report/report.js";
import { clientAddress } from "./client-address.js";
import type { Enrol, EnrolResult } from "./enrol-result.js";
import { createRefusalSummary, type Schedule, type Summary } from "./refusal-summary.js";

/**
 * `POST /bootstrap`: the instance's one call to the app. Size-limited, rate-limited per client address
 * (refusals much more strictly, to slow probing), schema-checked. Refusals are a bare 401/403 to the
 * caller; each is counted in a metric and logged, and summarised in one event per interval. Never logs
 * the token or the config.
 */
const requestSchema = z.object({
  token: z.string().min(1).max(4096),
  identity: z.object({ document: z.string().min(1).max(4096), signature: z.string().min(1).max(2048) }),
});

/** What the route writes to, narrowed to what it uses. */
export interface BootstrapRouteDeps {
  enrol: Enrol;
  /** Issued configs and config problems: event, metric and log from one row (src/report). */
  report: Report;
  /**
   * Refusals bypass report(): the metric counts each one at once, by reason, while the event is one
   * summary per interval over every reason (which one report row cannot count).
   */
  events: { record(event: EventInput): unknown };
  metrics: { bootstrapRefusals: { inc(labels: { reason: string }): void } };
  log: Pick<Logger, "debug" | "info" | "warn" | "error">;
  /** Proxies that append to X-Forwarded-For (MAYFLY_TRUSTED_PROXY_HOPS). */
  trustedProxyHops: number;
  now?: () => number;
  /**
   * How long one request may wait for GitHub's budget; default 20 s. Past it the caller is told to ask
   * again. The instance's own attempt gives up at 30 s (infra/runner/bootstrap.sh, curl --max-time), and
   * a JIT config sent to GitHub just before that would be answered to nobody: the runner is made, never
   * connects, and the next attempt must delete and replace it (a second write from the budget). The
   * 10 s left covers the enrolment tag, the EC2 check and GitHub's answer on a loaded host.
   * `holdSignal` replaces the timer in tests.
   */
  holdMs?: number;
  holdSignal?: () => AbortSignal;
  summaryIntervalMs?: number;
  schedule?: Schedule;
}

export function mountBootstrapRoute(app: Hono, deps: BootstrapRouteDeps): void {
  const requests = new KeyedRateLimiter({ capacity: 200, refillPerSecond: 50, now: deps.now });
  const refusals = new KeyedRateLimiter({ capacity: 20, refillPerSecond: 1, now: deps.now });
  const summary = createRefusalSummary({
    emit: (s) => {
      deps.events.record(summaryEvent(s));
      deps.log.warn({ byReason: s.byReason, total: s.total }, "bootstrap refusals");
    },
    intervalMs: deps.summaryIntervalMs,
    schedule: deps.schedule,
  });
  const configReported = new Set<string>();
  const refused = (reason: string, detail: string, who: Partial<EnrolResult & { ok: false }> = {}) => {
    deps.metrics.bootstrapRefusals.inc({ reason });
    summary.add({ reason, detail, instanceId: who.instanceId, pool: who.pool, org: who.org });
  };

  app.post(
    "/bootstrap",
    bodyLimit({ maxSize: 16 * 1024, onError: (c) => c.json({ error: "request too large" }, 413) }),
    async (c) => {
      const source = sourceAddress(c, deps.trustedProxyHops);
      const wait = Math.max(requests.take(source), 0);
      if (wait > 0) {
        refused("rate-limited", `more than the request limit from ${source}`);
        return tooMany(c, wait);
      }
      let body: unknown;
      try {
        body = await c.req.json();
      } catch {
        return c.json({ error: "body must be JSON: { token, identity: { document, signature } }" }, 400);
      }
      const parsed = requestSchema.safeParse(body);
      if (!parsed.success)
        return c.json({ error: "body must be JSON: { token, identity: { document, signature } }" }, 400);

      let result: EnrolResult;
      const hungUp = c.req.raw.signal;
      const held = deps.holdSignal?.() ?? AbortSignal.timeout(deps.holdMs ?? 20_000);
      try {
        result = await deps.enrol({ ...parsed.data, signal: AbortSignal.any([hungUp, held]) });
      } catch (error) {
        // A caller that hung up (its attempt timed out) got no config, and will ask again; one held as
        // long as it may be is told to ask again before its attempt times out.
        if (hungUp.aborted)
          deps.log.info({ source }, "bootstrap caller hung up before its config was issued");
        else if (held.aborted) {
          c.header("retry-after", "1");
          return c.json({ error: "no config yet (GitHub's budget is spent for now), ask again" }, 503);
        } else
          deps.log.error({ err: error, source }, "bootstrap could not complete; the instance will retry");
        return c.json({ error: "temporarily unavailable, retry" }, 503);
      }
      if (!result.ok) {
        refused(result.reason, result.detail, result);
        if (result.status === 503) {
          // A config problem (a missing runner group): shown once, not once per boot; the instance waits.
          const key = `${result.org}/${result.reason}/${result.detail}`;
          if (!configReported.has(key)) {
            configReported.add(key);
            deps.report("error", {
              reason: result.reason,
              message: result.detail,
              pool: result.pool,
              org: result.org,
            });
          }
          c.header("retry-after", "30");
          return c.json({ error: "not configured yet, retry" }, 503);
        }
        const level = result.instanceId ? "warn" : "debug";
        deps.log[level](
          { reason: result.reason, instanceId: result.instanceId, source },
          `bootstrap refused: ${result.detail}`,
        );
        const penalty = refusals.take(source);
        if (penalty > 0) return tooMany(c, penalty);
        return c.json({ error: "bootstrap refused" }, result.status);
      }
      deps.report("bootstrap.issued", {
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

function summaryEvent(s: Summary): EventInput {
  const counts = Object.entries(s.byReason)
    .sort((a, b) => b[1] - a[1])
    .map(([reason, n]) => `${reason} ${n}`)
    .join(", ");
  const top = Object.entries(s.byReason).sort((a, b) => b[1] - a[1])[0]?.[0];
  const latest = s.latest
    ? `; latest from an instance: ${s.latest.instanceId} (${s.latest.reason}: ${s.latest.detail})`
    : "";
  return {
    kind: "bootstrap.refused",
    reason: s.latest?.reason ?? top,
    message: `${s.total} bootstrap request${s.total === 1 ? "" : "s"} refused in ${s.intervalMs / 1000} s: ${counts}${latest}`,
    instanceId: s.latest?.instanceId,
    pool: s.latest?.pool,
    org: s.latest?.org,
  };
}

function sourceAddress(c: Context, trustedHops: number): string {
  const bindings = c.env as HttpBindings | undefined;
  return clientAddress(
    bindings?.incoming?.socket?.remoteAddress,
    c.req.header("x-forwarded-for"),
    trustedHops,
  );
}

function tooMany(c: Context, waitMs: number) {
  c.header("retry-after", String(Math.ceil(waitMs / 1000)));
  return c.json({ error: "too many requests" }, 429);
}
