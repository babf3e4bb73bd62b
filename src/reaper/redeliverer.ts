import type { Logger } from "pino";
import type { Delivery } from "../github/deliveries.js";
import type { Report } from "../report/report.js";
import { type IntervalLoop, intervalLoop } from "../time/interval-loop.js";
import type { Timers } from "../time/timers.js";
import { planRedeliveries } from "./plan-redeliveries.js";

/**
 * Missed webhooks (DESIGN.md "reaper"): GitHub does not redeliver failed deliveries on its own, so this
 * periodically lists the App's deliveries since the last pass (with overlap) and redelivers failed
 * `workflow_job` ones. Duplicates this may cause collapse in the queue's deduplication and the scaler's
 * recheck.
 */
/** What the redeliverer needs of GitHub's App deliveries API, declared here (STYLE.md principle 4). */
export interface RedelivererDeps {
  deliveries: {
    listSince(sinceMs: number): Promise<Delivery[]>;
    redeliver(deliveryId: number): Promise<void>;
  };
  report: Report;
  log: Logger;
  /** How far back the first pass looks (GitHub keeps deliveries 3 days). */
  lookbackMs?: number;
  now?: () => number;
  /** The periodic loop's timers (default: the real clock). */
  timers?: Timers;
}

export interface Redeliverer extends IntervalLoop {
  /** One pass now; resolves to how many deliveries were redelivered. */
  pass(): Promise<number>;
}

export function createRedeliverer(deps: RedelivererDeps): Redeliverer {
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
        deps.report("webhook.redelivered", {
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

  return {
    pass,
    ...intervalLoop({
      run: pass,
      firstDelayMs: 2000,
      onError: (error) => deps.log.error({ err: error }, "redelivery pass failed; next pass retries"),
      timers: deps.timers,
    }),
  };
}
