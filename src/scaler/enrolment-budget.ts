import type { Pool } from "../pool-file.js";
import { TokenBucket } from "../rate/token-bucket.js";

/**
 * Launches per installation are paced by how fast their runners can enrol. The app issues JIT configs at
 * most `writePointsPerMinute / 5` a minute per installation (GitHub's secondary limit: 5 points per
 * write, https://docs.github.com/en/rest/using-the-rest-api/rate-limits-for-the-rest-api); an instance
 * launched faster than that waits for its config, and one that waits past its boot timeout is reaped
 * and relaunched. So a burst may launch at once what can enrol within the shortest boot window (90% of
 * it), then as fast as configs are issued. Each replica paces itself.
 */
export class EnrolmentBudget {
  readonly #buckets = new Map<number, TokenBucket>();
  readonly #capacity: number;
  readonly #perSecond: number;
  readonly #now: () => number;

  constructor(options: { writePointsPerMinute: number; pools: readonly Pool[]; now?: () => number }) {
    const perMinute = options.writePointsPerMinute / 5;
    const boot = Math.min(...options.pools.map((p) => p.timeouts.boot));
    this.#perSecond = perMinute / 60;
    this.#capacity = Math.max(1, Math.floor(perMinute * (boot / 60) * 0.9));
    this.#now = options.now ?? Date.now;
  }

  get capacity(): number {
    return this.#capacity;
  }

  /** Takes one launch for the installation; false when its runners could not enrol in time. */
  tryTake(installationId: number): boolean {
    return this.#bucket(installationId).tryTake();
  }

  /** Whether a launch is available now (takes nothing). */
  available(installationId: number): boolean {
    return (this.#buckets.get(installationId)?.msUntil(1) ?? 0) === 0;
  }

  #bucket(installationId: number): TokenBucket {
    let bucket = this.#buckets.get(installationId);
    if (!bucket) {
      bucket = new TokenBucket({
        capacity: this.#capacity,
        refillPerSecond: this.#perSecond,
        now: this.#now,
      });
      this.#buckets.set(installationId, bucket);
    }
    return bucket;
  }
}
