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
interface Waiter {
  cost: number;
  also?: TokenBucket;
  resolve(): void;
  reject(reason: unknown): void;
  signal?: AbortSignal;
  onAbort?: () => void;
}

interface Line {
  bucket: TokenBucket;
  waiters: Waiter[];
  timer: boolean;
}

export class EndpointBudget {
  readonly #buckets = new Map<string, TokenBucket>();
  /** Callers waiting, first come first served, per bucket and second bucket; one timer per line. */
  readonly #lines = new Map<string, Line>();
  readonly #alsoIds = new WeakMap<TokenBucket, number>();
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
   * Waits until the call may go, then spends its points. Waiting callers form a line served in order by
   * one timer, so a thousand waiting calls cost one wake-up per turn, not a thousand (the 1,000-job burst
   * spent 7.6 s of CPU re-checking the bucket from every waiter). A caller that gives up (`signal`
   * aborted) leaves the line with the abort reason and spends nothing, so its turn goes to the next.
   */
  take(
    installation: string,
    method: string,
    route: string,
    signal?: AbortSignal,
    also?: TokenBucket,
  ): Promise<void> {
    signal?.throwIfAborted();
    const cost = pointsFor(method);
    const key = `${installation} ${method} ${route}`;
    const line = this.#line(key, also);
    if (line.waiters.length === 0 && ready(line.bucket, cost, also)) {
      spend(line.bucket, cost, also);
      return Promise.resolve();
    }
    return new Promise<void>((resolve, reject) => {
      const waiter: Waiter = { cost, also, resolve, reject, signal };
      if (signal) {
        waiter.onAbort = () => {
          const at = line.waiters.indexOf(waiter);
          if (at >= 0) line.waiters.splice(at, 1);
          reject(signal.reason);
        };
        signal.addEventListener("abort", waiter.onAbort, { once: true });
      }
      line.waiters.push(waiter);
      this.#schedule(line);
    });
  }

  #schedule(line: Line): void {
    const head = line.waiters[0];
    if (!head || line.timer) return;
    const ms = Math.max(line.bucket.msUntil(head.cost), head.also?.msUntil(1) ?? 0);
    line.timer = true;
    void this.#sleep(ms).then(() => {
      line.timer = false;
      this.#drain(line);
    });
  }

  #drain(line: Line): void {
    for (let head = line.waiters[0]; head; head = line.waiters[0]) {
      if (!ready(line.bucket, head.cost, head.also)) break;
      spend(line.bucket, head.cost, head.also);
      line.waiters.shift();
      if (head.onAbort) head.signal?.removeEventListener("abort", head.onAbort);
      head.resolve();
    }
    this.#schedule(line);
  }

  #line(key: string, also: TokenBucket | undefined): Line {
    let alsoId = "";
    if (also) {
      let id = this.#alsoIds.get(also);
      if (id === undefined) {
        id = this.#lines.size + 1;
        this.#alsoIds.set(also, id);
      }
      alsoId = ` +${id}`;
    }
    let line = this.#lines.get(key + alsoId);
    if (!line) {
      line = { bucket: this.#bucket(key), waiters: [], timer: false };
      this.#lines.set(key + alsoId, line);
    }
    return line;
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

function ready(bucket: TokenBucket, cost: number, also: TokenBucket | undefined): boolean {
  return bucket.msUntil(cost) === 0 && (also?.msUntil(1) ?? 0) === 0;
}

function spend(bucket: TokenBucket, cost: number, also: TokenBucket | undefined): void {
  bucket.tryTake(cost);
  also?.tryTake(1);
}

/** What a rate leaves of GitHub's 900 points in a minute, between one write (5) and 50. */
export function defaultBurstPoints(pointsPerMinute: number): number {
  return Math.min(50, Math.max(5, 900 - pointsPerMinute));
}

export function pointsFor(method: string): number {
  return ["GET", "HEAD", "OPTIONS"].includes(method.toUpperCase()) ? 1 : 5;
}
