/**
 * Refusals summarised: one event per interval with counts by reason, instead of one event each, so a
 * flood of garbage cannot push the events that matter out of the dashboard's ring buffer (finding 5 of
 * issue 10). The counter metric still counts every refusal; the log keeps each one's detail.
 */
export interface RefusalSample {
  reason: string;
  detail: string;
  instanceId?: string;
  pool?: string;
  org?: string;
}

export interface Summary {
  total: number;
  byReason: Record<string, number>;
  /** The latest refusal of a verified instance (one with an id), the one worth a look. */
  latest?: RefusalSample;
  intervalMs: number;
}

export interface RefusalSummary {
  add(sample: RefusalSample): void;
  /** Emits what the current interval holds now (shutdown, tests). */
  flush(): void;
}

export type Schedule = (run: () => void, ms: number) => void;

const defaultSchedule: Schedule = (run, ms) => {
  setTimeout(run, ms).unref();
};

export function createRefusalSummary(options: {
  emit: (summary: Summary) => void;
  intervalMs?: number;
  schedule?: Schedule;
}): RefusalSummary {
  const intervalMs = options.intervalMs ?? 10_000;
  const schedule = options.schedule ?? defaultSchedule;
  let byReason: Record<string, number> = {};
  let total = 0;
  let latest: RefusalSample | undefined;
  let open = false;

  const flush = () => {
    open = false;
    if (total === 0) return;
    const summary: Summary = { total, byReason, intervalMs, ...(latest ? { latest } : {}) };
    byReason = {};
    total = 0;
    latest = undefined;
    options.emit(summary);
  };

  return {
    add(sample: RefusalSample): void {
      byReason[sample.reason] = (byReason[sample.reason] ?? 0) + 1;
      total += 1;
      if (sample.instanceId) latest = sample;
      if (open) return;
      open = true;
      schedule(flush, intervalMs);
    },
    flush,
  };
}
