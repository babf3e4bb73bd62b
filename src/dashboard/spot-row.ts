import { interruptedAt } from "../aws/ec2-mark-interrupted.js";
import type { ManagedInstance } from "../aws/fleet.js";
import { spotBreaker } from "../domain/spot-breaker.js";
import { TAG } from "../domain/tags.js";
import type { MayflyEvent } from "../events/event-log.js";
import type { Pool } from "../pool-file.js";
import { breakerSettingsOf } from "../spot-schema.js";
import type { FallbackCount, SpotRow } from "./view-rows.js";

export function spotRow(pool: Pool, instances: readonly ManagedInstance[], now: number): SpotRow | undefined {
  if (pool.market === "on-demand") return undefined;
  const settings = breakerSettingsOf(pool);
  const times = instances
    .filter((i) => i.tags[TAG.pool] === pool.name)
    .flatMap((i) => {
      const at = interruptedAt(i.tags);
      return at === undefined ? [] : [at];
    });
  const state = spotBreaker(now, times, settings);
  return {
    breaker:
      state.state === "open"
        ? { state: "open", openedAt: state.openedAt, until: state.until }
        : { state: "closed" },
    interruptions: times.filter((t) => t <= now && now - t <= settings.windowMs).length,
    threshold: settings.k,
    windowSeconds: settings.windowMs / 1000,
    openForSeconds: settings.openMs / 1000,
    reason: state.reason,
  };
}

export function fallbackCount(
  pool: string,
  events: readonly MayflyEvent[],
  now: number,
  windowMs: number,
): FallbackCount {
  const mine = events.filter(
    (e) => e.kind === "launch.fallback" && e.pool === pool && now - e.at <= windowMs,
  );
  const byReason: Record<string, number> = {};
  for (const e of mine) byReason[e.reason ?? "market"] = (byReason[e.reason ?? "market"] ?? 0) + 1;
  const last = mine.at(-1);
  return { total: mine.length, byReason, ...(last ? { last: { at: last.at, message: last.message } } : {}) };
}
