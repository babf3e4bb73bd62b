import { TokenBucket } from "../rate/token-bucket.js";

/**
 * Client-side pacing for GitHub's secondary rate limit: "no more than 900 points per minute … for REST
 * API endpoints", where GET costs 1 point and POST/PATCH/PUT/DELETE cost 5
 * (https://docs.github.com/en/rest/using-the-rest-api/rate-limits-for-the-rest-api). One bucket per
 * installation and endpoint; the burst is kept small so no 60-second window can exceed the budget
 * (burst + pointsPerMinute ≤ 900 with the defaults). This replaces Probot's one-write-per-second default.
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
    this.#burstPoints = options.burstPoints ?? 50;
    this.#now = options.now ?? Date.now;
    this.#sleep = options.sleep ?? ((ms) => new Promise((resolve) => setTimeout(resolve, ms)));
  }

  /**
   * Waits until the call may go, then spends its points. A caller that gives up (`signal` aborted) while
   * waiting leaves with the abort reason and spends nothing, so its turn goes to a caller still there.
   */
  async take(installation: string, method: string, route: string, signal?: AbortSignal): Promise<void> {
    const cost = pointsFor(method);
    const bucket = this.#bucket(`${installation} ${method} ${route}`);
    for (;;) {
      signal?.throwIfAborted();
      if (bucket.tryTake(cost)) return;
      await this.#wait(bucket.msUntil(cost), signal);
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

export function pointsFor(method: string): number {
  return ["GET", "HEAD", "OPTIONS"].includes(method.toUpperCase()) ? 1 : 5;
}
