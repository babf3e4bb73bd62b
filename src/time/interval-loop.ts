import { type PeriodicLoop, type PeriodicLoopOptions, startPeriodicLoop } from "./periodic-loop.js";

/** A periodic part's start/stop, as wiring drives it: started with an interval, stopped at shutdown. */
export interface IntervalLoop {
  /** Runs a pass every `intervalSeconds` (the first after the loop's first delay); a second start is a no-op. */
  start(intervalSeconds: number): void;
  /** Stops the loop and waits for a pass in progress. */
  stop(): Promise<void>;
}

/** The one periodic loop (startPeriodicLoop), started on demand with the interval config gives. */
export function intervalLoop(options: Omit<PeriodicLoopOptions, "intervalMs">): IntervalLoop {
  let loop: PeriodicLoop | undefined;
  return {
    start(intervalSeconds) {
      loop ??= startPeriodicLoop({ ...options, intervalMs: intervalSeconds * 1000 });
    },
    async stop() {
      await loop?.stop();
      loop = undefined;
    },
  };
}
