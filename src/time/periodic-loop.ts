import { realTimers, type TimerHandle, type Timers } from "./timers.js";

export interface PeriodicLoopOptions {
  /** Runs one pass. Passes never overlap: the next is scheduled when this one settles. */
  run(): Promise<unknown>;
  intervalMs: number;
  /** Delay before the first pass (default: the interval). */
  firstDelayMs?: number;
  /** A failed pass is reported here and the loop goes on: the next pass retries. */
  onError(error: unknown): void;
  timers?: Timers;
}

export interface PeriodicLoop {
  /** Stops scheduling and waits for a pass in progress. */
  stop(): Promise<void>;
}

/** The one periodic loop (sweeps, redelivery passes, samplers): sequential passes on injected timers. */
export function startPeriodicLoop(options: PeriodicLoopOptions): PeriodicLoop {
  const timers = options.timers ?? realTimers;
  let stopped = false;
  let timer: TimerHandle | undefined;
  let running: Promise<void> | undefined;

  const schedule = (ms: number) => {
    if (!stopped) timer = timers.setTimeout(tick, ms);
  };
  function tick(): void {
    timer = undefined;
    running = Promise.resolve()
      .then(() => options.run())
      .then(
        () => undefined,
        (error: unknown) => options.onError(error),
      )
      .finally(() => {
        running = undefined;
        schedule(options.intervalMs);
      });
  }

  schedule(options.firstDelayMs ?? options.intervalMs);
  return {
    async stop() {
      stopped = true;
      timers.clearTimeout(timer);
      await running;
    },
  };
}
