/**
 * Recent events for the dashboard: an in-process ring buffer (DESIGN.md "State": no database). Each
 * replica keeps its own; nothing here is needed for correctness.
 */

export const EVENT_KINDS = [
  "job.queued",
  "job.ignored",
  "job.started",
  "job.completed",
  "job.suspect",
  "policy.denied",
  "policy.violation",
  "launch.requested",
  "launch.failed",
  "launch.deferred",
  "launch.gave-up",
  "launch.fallback",
  "spot.interrupted",
  "spot.rebalance",
  "spot.rerun",
  "spot.breaker",
  "bootstrap.issued",
  "bootstrap.refused",
  "reap.runner-removed",
  "reap.terminated",
  "reap.skipped",
  "runner.rogue",
  "webhook.redelivered",
  "warm.launched",
  "warm.removed",
  "warm.claimed",
  "admin.action",
  "runner-group.changed",
  "runner-group.refused",
  "error",
] as const;
export type EventKind = (typeof EVENT_KINDS)[number];

export interface MayflyEvent {
  seq: number;
  at: number;
  kind: EventKind;
  message: string;
  pool?: string;
  org?: string;
  repo?: string;
  jobId?: number;
  instanceId?: string;
  runnerName?: string;
  /** Machine-readable reason (a deny code, a reap reason, an error name). */
  reason?: string;
  /** Who did it, for admin actions (a GitHub login, or "api-token"). */
  actor?: string;
}

export type EventInput = Omit<MayflyEvent, "seq" | "at">;

export class EventLog {
  readonly #capacity: number;
  readonly #now: () => number;
  readonly #events: MayflyEvent[] = [];
  readonly #listeners = new Set<(event: MayflyEvent) => void>();
  #seq = 0;

  constructor(options: { capacity?: number; now?: () => number } = {}) {
    this.#capacity = options.capacity ?? 2000;
    this.#now = options.now ?? Date.now;
  }

  record(input: EventInput): MayflyEvent {
    const event: MayflyEvent = { ...input, seq: ++this.#seq, at: this.#now() };
    this.#events.push(event);
    if (this.#events.length > this.#capacity) this.#events.shift();
    for (const listener of this.#listeners) listener(event);
    return event;
  }

  /** Newest last; optionally only events after `afterSeq` or of some kinds. */
  list(options: { afterSeq?: number; kinds?: readonly EventKind[]; limit?: number } = {}): MayflyEvent[] {
    const after = options.afterSeq ?? 0;
    const kinds = options.kinds ? new Set(options.kinds) : undefined;
    const out = this.#events.filter((e) => e.seq > after && (!kinds || kinds.has(e.kind)));
    return options.limit ? out.slice(-options.limit) : out;
  }

  subscribe(listener: (event: MayflyEvent) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }
}
