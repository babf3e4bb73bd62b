/**
 * The clock and timers every periodic or batching part takes by injection (STYLE.md principle 5), so
 * unit tests drive them with `ManualTimers` (test/helpers/manual-timers.ts) instead of the machine's
 * speed. Real timers are unref'd: a pending batch or loop never keeps the process alive on its own.
 */
export type TimerHandle = { readonly brand: "timer" } | NodeJS.Timeout;

export interface Timers {
  now(): number;
  setTimeout(fn: () => void, ms: number): TimerHandle;
  clearTimeout(handle: TimerHandle | undefined): void;
}

export const realTimers: Timers = {
  now: () => Date.now(),
  setTimeout(fn, ms) {
    const handle = setTimeout(fn, Math.max(0, ms));
    handle.unref();
    return handle;
  },
  clearTimeout(handle) {
    if (handle) clearTimeout(handle as NodeJS.Timeout);
  },
};

/** Resolves after `ms`, or at once when `signal` aborts; never rejects (callers check `signal.aborted`). */
export function sleep(timers: Timers, ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal?.aborted) return resolve();
    const done = () => {
      timers.clearTimeout(handle);
      signal?.removeEventListener("abort", done);
      resolve();
    };
    const handle = timers.setTimeout(done, ms);
    signal?.addEventListener("abort", done, { once: true });
  });
}
