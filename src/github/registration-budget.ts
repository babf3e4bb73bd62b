import { TokenBucket } from "../rate/token-bucket.js";
import type { RegistrationShare } from "./replica-share.js";

/**
 * Client-side pacing for the org's runner-registration limit, shared by every App identity of this
 * replica: GitHub counts registrations per org whichever App asks. One bucket per org; the Octokit hook
 * takes a token from it together with the identity's endpoint points (EndpointBudget.take's `also`).
 */
export class RegistrationBudget {
  readonly #buckets = new Map<string, TokenBucket>();
  readonly #share: RegistrationShare;
  readonly #now: () => number;

  constructor(share: RegistrationShare, now: () => number = Date.now) {
    this.#share = share;
    this.#now = now;
  }

  get perMinute(): number {
    return this.#share.perMinute;
  }

  bucket(org: string): TokenBucket {
    const key = org.toLowerCase();
    let bucket = this.#buckets.get(key);
    if (!bucket) {
      bucket = new TokenBucket({
        capacity: this.#share.burst,
        refillPerSecond: this.#share.perMinute / 60,
        now: this.#now,
      });
      this.#buckets.set(key, bucket);
    }
    return bucket;
  }
}
