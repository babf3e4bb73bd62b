import type { Logger } from "pino";
import type { Observation, Observe } from "../reaper/observe.js";

export interface CachedObservation {
  observation: Observation;
  /** True when the last attempt to observe failed and this is an older observation. */
  stale: boolean;
  error?: string;
}

/**
 * One observation (EC2 DescribeInstances + a GitHub runner listing per org) shared by every request, the
 * live stream and the sampler, refreshed at most once per `ttlMs` and never twice at once. After a failure
 * the last good observation is served, marked stale, until the next attempt (also at most once per ttl).
 */
export function createObservationCache(deps: {
  observe: Observe;
  ttlMs: number;
  now: () => number;
  log: Logger;
}) {
  let last: Observation | undefined;
  let attemptedAt = Number.NEGATIVE_INFINITY;
  let lastError: string | undefined;
  let inFlight: Promise<CachedObservation> | undefined;

  async function refresh(): Promise<CachedObservation> {
    attemptedAt = deps.now();
    try {
      last = await deps.observe();
      lastError = undefined;
      return { observation: last, stale: false };
    } catch (error) {
      lastError = (error as Error).message;
      deps.log.warn({ err: error }, "dashboard observation failed; serving the last one");
      if (!last) throw error;
      return { observation: last, stale: true, error: lastError };
    }
  }

  return {
    get(): Promise<CachedObservation> {
      if (inFlight) return inFlight;
      if (deps.now() - attemptedAt < deps.ttlMs) {
        if (last)
          return Promise.resolve({ observation: last, stale: lastError !== undefined, error: lastError });
        if (lastError !== undefined) return Promise.reject(new Error(lastError));
      }
      inFlight = refresh().finally(() => {
        inFlight = undefined;
      });
      return inFlight;
    },
    /** The next get() observes afresh (after an admin action changed what exists). */
    invalidate(): void {
      attemptedAt = Number.NEGATIVE_INFINITY;
    },
  };
}
export type ObservationCache = ReturnType<typeof createObservationCache>;
