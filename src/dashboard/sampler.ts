import type { Logger } from "pino";
import { type PeriodicLoop, startPeriodicLoop } from "../time/periodic-loop.js";
import type { Timers } from "../time/timers.js";
import type { InstanceLedger } from "./instance-ledger.js";
import type { ObservationCache } from "./observation-cache.js";
import type { QueueTimes } from "./queue-times.js";
import type { RunnerHistory } from "./runner-history.js";
import { countStates } from "./state-counts.js";

/** Each chart point's queue percentiles cover the jobs that started in this window before it. */
export const SAMPLE_QUEUE_WINDOW_MS = 15 * 60_000;

/**
 * Every interval, one look through the shared observation cache: runner counts by state (plus the queue
 * percentiles of recent jobs) into the history, and the instances seen into the cost ledger. A failed or
 * stale observation adds no point, so the chart shows a gap rather than a repeated old value.
 */
export function createSampler(deps: {
  cache: ObservationCache;
  history: RunnerHistory;
  ledger: InstanceLedger;
  queueTimes: QueueTimes;
  runnerPrefix: string;
  intervalMs: number;
  now: () => number;
  log: Logger;
  timers?: Timers;
}) {
  let loop: PeriodicLoop | undefined;

  async function sample(): Promise<void> {
    try {
      const { observation, stale } = await deps.cache.get();
      if (stale) return;
      deps.ledger.observe(observation);
      const queue = deps.queueTimes.stats(deps.now(), SAMPLE_QUEUE_WINDOW_MS);
      deps.history.push({
        at: observation.at,
        ...countStates(observation, deps.runnerPrefix),
        queueP50: queue.p50,
        queueP90: queue.p90,
      });
    } catch (error) {
      deps.log.debug({ err: error }, "dashboard sample skipped: no observation");
    }
  }

  return {
    sample,
    start(): void {
      // sample() catches its own failures, so onError never fires; the loop only paces it.
      loop ??= startPeriodicLoop({
        run: sample,
        intervalMs: deps.intervalMs,
        onError: () => {},
        ...(deps.timers ? { timers: deps.timers } : {}),
      });
    },
    async stop(): Promise<void> {
      const stopping = loop?.stop();
      loop = undefined;
      await stopping;
    },
  };
}
