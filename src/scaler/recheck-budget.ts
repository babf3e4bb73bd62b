import { TokenBucket } from "../rate/token-bucket.js";

/**
 * Rechecks ask GitHub "is this job still queued?" with a GET that spends the installation's primary rate
 * limit (5,000 requests an hour for most installations,
 * https://docs.github.com/en/rest/using-the-rest-api/rate-limits-for-the-rest-api), the same budget the
 * JIT configs every runner needs are issued from. The bench's 1,000-job burst spent it on rechecks alone.
 * So rechecks get a share of it per installation: `perHour` GETs, a tenth of them at once. When the
 * share is spent a recheck is skipped: a launched job is looked at later, a job that never launched is
 * launched without asking (at worst one idle runner, reaped after the pool's idle timeout).
 */
export class RecheckBudget {
  readonly #buckets = new Map<number, TokenBucket>();
  readonly #perHour: number;
  readonly #now: () => number;

  constructor(options: { perHour: number; now?: () => number }) {
    this.#perHour = options.perHour;
    this.#now = options.now ?? Date.now;
  }

  /** Takes one GET for the installation; false when its share is spent. */
  tryTake(installationId: number): boolean {
    return this.#bucket(installationId).tryTake();
  }

  /** Whether a GET is available now (takes nothing). */
  available(installationId: number): boolean {
    return this.secondsUntilNext(installationId) === 0;
  }

  /** Seconds until the installation's next GET is available (0 if it is now). */
  secondsUntilNext(installationId: number): number {
    return (this.#buckets.get(installationId)?.msUntil(1) ?? 0) / 1000;
  }

  #bucket(installationId: number): TokenBucket {
    let bucket = this.#buckets.get(installationId);
    if (!bucket) {
      bucket = new TokenBucket({
        capacity: Math.max(1, Math.floor(this.#perHour / 10)),
        refillPerSecond: this.#perHour / 3600,
        now: this.#now,
      });
      this.#buckets.set(installationId, bucket);
    }
    return bucket;
  }
}
