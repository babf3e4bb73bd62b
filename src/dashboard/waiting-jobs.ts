import type { MayflyEvent } from "../events/event-log.js";

/** GitHub cancels a job nobody picks up after 24 h, so no job.queued event older than that still waits. */
export const MAX_WAIT_MS = 24 * 3_600_000;

/**
 * Approximate waiting jobs per pool: `job.queued` events in the event log window with no later
 * `job.started` or `job.completed` for the same job. Approximate because the window is a ring buffer of
 * one replica, and a job cancelled before any runner took it records no event (its `completed` webhook
 * names no runner), so it counts until it leaves the window or ages past MAX_WAIT_MS.
 */
export function waitingJobs(events: readonly MayflyEvent[], now: number): Map<string, number> {
  const waiting = new Map<number, { pool: string; at: number }>();
  for (const event of events) {
    if (event.jobId === undefined) continue;
    if (event.kind === "job.queued" && event.pool)
      waiting.set(event.jobId, { pool: event.pool, at: event.at });
    else if (event.kind === "job.started" || event.kind === "job.completed") waiting.delete(event.jobId);
  }
  const counts = new Map<string, number>();
  for (const { pool, at } of waiting.values()) {
    if (now - at > MAX_WAIT_MS) continue;
    counts.set(pool, (counts.get(pool) ?? 0) + 1);
  }
  return counts;
}
