import { realTimers, sleep } from "./timers.js";

/** Waits `ms` on the real clock, or less if `signal` aborts first; never rejects (the caller checks `signal.aborted`). */
export function sleepUnlessAborted(ms: number, signal: AbortSignal): Promise<void> {
  return sleep(realTimers, ms, signal);
}
