import { TokenBucket } from "../rate/token-bucket.js";

/**
 * Client-side pacing for GitHub's secondary rate limit: "no more than 900 points per minute … for REST
 * API endpoints", where GET costs 1 point and POST/PATCH/PUT/DELETE cost 5
 * (https://docs.github.com/en/rest/using-the-rest-api/rate-limits-for-the-rest-api). One bucket per
 * installation and endpoint; the burst is kept small so no 60-second window can exceed the budget
 * (burst + pointsPerMinute ≤ 900: the default burst is what the rate leaves of 900, at least one write).
 * This replaces Probot's one-write-per-second default. A call may also need a token from a second bucket
 * (the org's runner-registration budget); it goes only when both have one, and takes both at once, so
 * neither is spent while the call waits on the other.
 */
export class EndpointBudget {
  readonly #buckets = new Map<string, TokenBucket>();
  readonly #pointsPerMinute: number;
  readonly #burstPoints: number;
  readonly #now: () => number;
  readonly #sleep: (ms: number) => Promise<void>;

  constructor(options: {
    pointsPerMinute: number;
    burstPoints?: number;
    now?: () => number;
    sleep?: (ms: number) => Promise<void>;
  }) {
    this.#pointsPerMinute = options.pointsPerMinute;
    this.#burstPoints = options.burstPoints ?? defaultBurstPoints(options.pointsPerMinute);
    this.#now = options.now ?? Date.now;
    this.#sleep = options.sleep ?? ((ms) => new Promise((resolve) => setTimeout(resolve, ms)));
  }

  /**
   * Waits until the call may go, then spends its points. A caller that gives up (`signal` aborted) while
   * waiting leaves with the abort reason and spends nothing, so its turn goes to a caller still there.
   */
  async take(
    installation: string,
    method: string,
    route: string,
    signal?: AbortSignal,
    also?: TokenBucket,
  ): Promise<void> {
    const cost = pointsFor(method);
    const bucket = this.#bucket(`${installation} ${method} ${route}`);
    for (;;) {
      signal?.throwIfAborted();
      const ms = Math.max(bucket.msUntil(cost), also?.msUntil(1) ?? 0);
      if (ms === 0) {
        bucket.tryTake(cost);
        also?.tryTake(1);
        return;
      }
      await this.#wait(ms, signal);
    }
  }

  #wait(ms: number, signal: AbortSignal | undefined): Promise<void> {
    if (!signal) return this.#sleep(ms);
    return new Promise((resolve) => {
      const done = () => {
        signal.removeEventListener("abort", done);
        resolve();
      };
      signal.addEventListener("abort", done, { once: true });
      void this.#sleep(ms).then(done);
    });
  }

  #bucket(key: string): TokenBucket {
    let bucket = this.#buckets.get(key);
    if (!bucket) {
      bucket = new TokenBucket({
        capacity: this.#burstPoints,
        refillPerSecond: this.#pointsPerMinute / 60,
        now: this.#now,
      });
      this.#buckets.set(key, bucket);
    }
    return bucket;
  }
}

/** What a rate leaves of GitHub's 900 points in a minute, between one write (5) and 50. */
export function defaultBurstPoints(pointsPerMinute: number): number {
  return Math.min(50, Math.max(5, 900 - pointsPerMinute));
}

export function pointsFor(method: string): number {
  return ["GET", "HEAD", "OPTIONS"].includes(method.toUpperCase()) ? 1 : 5;
}
