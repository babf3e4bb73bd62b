/** A scenario step that did not finish in time; the message names what was awaited and how far it got. */
export class BenchTimeoutError extends Error {
  override readonly name = "BenchTimeoutError";
}

/** Throws if the run was aborted (its backstop timed out), so the scenario unwinds and tears down. */
export function checkAborted(signal: AbortSignal | undefined): void {
  if (signal?.aborted) throw new BenchTimeoutError("the run was stopped: it passed its time limit");
}

/**
 * Polls `check` until it returns a truthy value. On timeout, throws a BenchTimeoutError naming `what`
 * and the latest `progress()` (e.g. "612 of 1000 runners"), so a stuck run says where it stuck.
 */
export async function waitUntil<T>(
  what: string,
  check: () => T | Promise<T>,
  options: { timeoutMs: number; everyMs?: number; progress?: () => string; signal?: AbortSignal },
): Promise<NonNullable<T>> {
  const deadline = Date.now() + options.timeoutMs;
  for (;;) {
    checkAborted(options.signal);
    const value = await check();
    if (value) return value as NonNullable<T>;
    if (Date.now() >= deadline) {
      const where = options.progress ? ` (${options.progress()})` : "";
      throw new BenchTimeoutError(
        `timed out after ${Math.round(options.timeoutMs / 1000)} s waiting for ${what}${where}`,
      );
    }
    await sleep(options.everyMs ?? 50);
  }
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Rejects with a BenchTimeoutError if `promise` has not settled within `ms`. */
export function within<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(new BenchTimeoutError(`${what} did not finish within ${Math.round(ms / 1000)} s`)),
      ms,
    );
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

/**
 * Waits for `count()` to reach `target`, giving up early when it has not moved for `stallMs` (the app
 * is stuck, e.g. rate-limited; waiting longer only costs bench time). Does not throw on a stall or a
 * timeout: says how far it got. `onStep` hears every further tenth of the target.
 */
export async function waitForCount(
  count: () => number | Promise<number>,
  target: number,
  options: {
    timeoutMs: number;
    stallMs: number;
    everyMs?: number;
    onStep?: (n: number) => void;
    signal?: AbortSignal;
  },
): Promise<{ reached: boolean; count: number; why?: string }> {
  const started = Date.now();
  let last = await count();
  let movedAt = started;
  let step = Math.floor((last * 10) / target);
  for (;;) {
    checkAborted(options.signal);
    const n = await count();
    if (n >= target) return { reached: true, count: n };
    if (n !== last) {
      last = n;
      movedAt = Date.now();
    }
    if (Math.floor((n * 10) / target) > step) {
      step = Math.floor((n * 10) / target);
      options.onStep?.(n);
    }
    const waited = Math.round((Date.now() - started) / 1000);
    if (Date.now() - movedAt >= options.stallMs) {
      const why = `stalled at ${n} of ${target} for ${options.stallMs / 1000} s (after ${waited} s)`;
      return { reached: false, count: n, why };
    }
    if (Date.now() - started >= options.timeoutMs) {
      return { reached: false, count: n, why: `${n} of ${target} after ${waited} s` };
    }
    await sleep(options.everyMs ?? 250);
  }
}
