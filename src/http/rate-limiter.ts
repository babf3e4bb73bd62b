import { TokenBucket } from "../rate/token-bucket.js";

/** Per-key token buckets with a bounded key set (oldest keys dropped), for request rate limits. */
export class KeyedRateLimiter {
  readonly #buckets = new Map<string, TokenBucket>();
  readonly #options: { capacity: number; refillPerSecond: number; maxKeys: number; now: () => number };

  constructor(options: { capacity: number; refillPerSecond: number; maxKeys?: number; now?: () => number }) {
    this.#options = {
      capacity: options.capacity,
      refillPerSecond: options.refillPerSecond,
      maxKeys: options.maxKeys ?? 10_000,
      now: options.now ?? Date.now,
    };
  }

  /** Takes a token for `key`; returns 0 if allowed, else the milliseconds to wait. */
  take(key: string): number {
    const bucket = this.#bucket(key);
    return bucket.tryTake() ? 0 : bucket.msUntil();
  }

  /** Milliseconds until `key` has a token, without taking one. */
  waitFor(key: string): number {
    return this.#buckets.get(key)?.msUntil() ?? 0;
  }

  #bucket(key: string): TokenBucket {
    let bucket = this.#buckets.get(key);
    if (!bucket) {
      bucket = new TokenBucket(this.#options);
      this.#buckets.set(key, bucket);
      if (this.#buckets.size > this.#options.maxKeys) {
        const oldest = this.#buckets.keys().next().value;
        if (oldest !== undefined) this.#buckets.delete(oldest);
      }
    }
    return bucket;
  }
}
