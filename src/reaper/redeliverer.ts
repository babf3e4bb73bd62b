import type { Logger } from "pino";
import type { EventLog } from "../events/event-log.js";
import type { Deliveries } from "../github/deliveries.js";
import { planRedeliveries } from "./plan-redeliveries.js";

/**
 * Missed webhooks (DESIGN.md "reaper"): GitHub does not redeliver failed deliveries on its own, so this
 * periodically lists the App's deliveries since the last pass (with overlap) and redelivers failed
 * `workflow_job` ones. Duplicates this may cause collapse in the queue's deduplication and the scaler's
 * recheck.
 */
export function createRedeliverer(deps: {
  deliveries: Deliveries;
  events: EventLog;
  log: Logger;
  /** How far back the first pass looks (GitHub keeps deliveries 3 days). */
  lookbackMs?: number;
  now?: () => number;
}) {
  const now = deps.now ?? Date.now;
  const lookbackMs = deps.lookbackMs ?? 6 * 3600_000;
  const overlapMs = 10 * 60_000;
  let since = now() - lookbackMs;
  const recentlyRedelivered = new Map<string, number>();

  async function pass(): Promise<number> {
    const startedAt = now();
    const deliveries = await deps.deliveries.listSince(since);
    const plan = planRedeliveries({
      deliveries,
      recentlyRedelivered,
      now: startedAt,
      retryAfterMs: 5 * 60_000,
    });
    let done = 0;
    for (const d of plan) {
      try {
        await deps.deliveries.redeliver(d.id);
        recentlyRedelivered.set(d.guid, startedAt);
        done++;
        deps.events.record({
          kind: "webhook.redelivered",
          message: `redelivered failed ${d.event}.${d.action ?? ""} delivery ${d.guid} (status ${d.statusCode || "none"})`,
        });
      } catch (error) {
        deps.log.warn({ err: error, guid: d.guid }, "redelivery failed; next pass retries");
      }
    }
    for (const [guid, at] of recentlyRedelivered)
      if (startedAt - at > lookbackMs) recentlyRedelivered.delete(guid);
    since = Math.min(startedAt - overlapMs, Math.max(since, startedAt - lookbackMs));
    return done;
  }

  let timer: NodeJS.Timeout | undefined;
  let running: Promise<unknown> | undefined;
  return {
    pass,
    start(intervalSeconds: number): void {
      const tick = () => {
        running = pass()
          .catch((error) => deps.log.error({ err: error }, "redelivery pass failed; next pass retries"))
          .finally(() => {
            running = undefined;
            timer = setTimeout(tick, intervalSeconds * 1000);
            timer.unref();
          });
      };
      timer = setTimeout(tick, 2000);
      timer.unref();
    },
    async stop(): Promise<void> {
      if (timer) clearTimeout(timer);
      await running;
    },
  };
}
