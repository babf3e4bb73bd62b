import type { Timers } from "../time/timers.js";
import { realTimers } from "../time/timers.js";

/**
 * Webhook deliveries go first. GitHub waits 10 s for an answer and does not retry (a failed delivery comes
 * back only with the reaper's redelivery pass), while a bootstrap request or a queued message can wait a
 * few seconds at no cost: instances wait for GitHub's budget anyway, and SQS keeps the message. Intake,
 * scaler and bootstrap share one event loop, so on a CPU-starved host (the 1,000-job burst beside a CPU
 * hog: issue 15) every delivery read waited behind bootstrap checks and launches. The other roles ask
 * `turn()` before each piece of work: it resolves at once while few deliveries are being answered, else
 * when they drain, and never later than `maxWaitMs`, so nothing starves under a steady flood.
 */
export interface IntakeFirst {
  /** Counts a delivery being answered until the returned function is called. */
  enter(): () => void;
  /** Resolves when at most `busyAt` deliveries are in flight, at `maxWaitMs` at the latest, or on abort. */
  turn(signal?: AbortSignal): Promise<void>;
  readonly inFlight: number;
}

export function createIntakeFirst(options: {
  /** Deliveries in flight beyond which other work waits (default 8). */
  busyAt?: number;
  /** The longest any other work waits (default 3 s). */
  maxWaitMs?: number;
  timers?: Timers;
}): IntakeFirst {
  const busyAt = options.busyAt ?? 8;
  const maxWaitMs = options.maxWaitMs ?? 3_000;
  const timers = options.timers ?? realTimers;
  let inFlight = 0;
  const waiting = new Set<() => void>();

  const wake = () => {
    for (const go of [...waiting]) go();
  };

  return {
    get inFlight() {
      return inFlight;
    },
    enter() {
      inFlight++;
      let left = false;
      return () => {
        if (left) return;
        left = true;
        inFlight--;
        if (inFlight <= busyAt) wake();
      };
    },
    turn(signal) {
      if (inFlight <= busyAt || signal?.aborted) return Promise.resolve();
      return new Promise<void>((resolve) => {
        const go = () => {
          waiting.delete(go);
          timers.clearTimeout(timer);
          signal?.removeEventListener("abort", go);
          resolve();
        };
        const timer = timers.setTimeout(go, maxWaitMs);
        signal?.addEventListener("abort", go, { once: true });
        waiting.add(go);
      });
    },
  };
}
