/**
 * A token bucket as AWS documents its EC2 API throttling: `capacity` tokens at most, refilled at
 * `refillPerSecond`, and a request takes `cost` tokens or is refused. The clock is injected. The emulators
 * keep their own copy so that they import nothing from the product they emulate for.
 * https://docs.aws.amazon.com/ec2/latest/devguide/ec2-api-throttling.html
 */
export interface TokenBucketOptions {
  capacity: number;
  refillPerSecond: number;
  now?: () => number;
}

export class TokenBucket {
  readonly capacity: number;
  readonly refillPerSecond: number;
  #tokens: number;
  #updatedAt: number;
  readonly #now: () => number;

  constructor(options: TokenBucketOptions) {
    this.capacity = options.capacity;
    this.refillPerSecond = options.refillPerSecond;
    this.#now = options.now ?? Date.now;
    this.#tokens = options.capacity;
    this.#updatedAt = this.#now();
  }

  /** Tokens available now (fractional). */
  get tokens(): number {
    this.#refill();
    return this.#tokens;
  }

  /** Takes `cost` tokens if they are there. */
  tryTake(cost = 1): boolean {
    this.#refill();
    if (this.#tokens + 1e-9 < cost) return false;
    this.#tokens -= cost;
    return true;
  }

  /** Milliseconds until `cost` tokens will be available (0 if they are now). */
  msUntil(cost = 1): number {
    this.#refill();
    const missing = cost - this.#tokens;
    if (missing <= 1e-9) return 0;
    if (this.refillPerSecond <= 0) return Number.POSITIVE_INFINITY;
    return Math.ceil((missing / this.refillPerSecond) * 1000);
  }

  /** Empties or refills the bucket (tests and fault injection). */
  set(tokens: number): void {
    this.#refill();
    this.#tokens = Math.max(0, Math.min(this.capacity, tokens));
  }

  #refill(): void {
    const now = this.#now();
    const elapsed = Math.max(0, now - this.#updatedAt) / 1000;
    this.#tokens = Math.min(this.capacity, this.#tokens + elapsed * this.refillPerSecond);
    this.#updatedAt = now;
  }
}
