import { TokenBucket } from "../support/token-bucket.js";
import { ApiError, DOCS_PRIMARY_RATE_LIMITS, DOCS_RATE_LIMITS } from "./api-error.js";
import type { Caller } from "./auth.js";
import { RegistrationLimiter } from "./registration-limiter.js";

/**
 * GitHub's REST rate limits (github/docs rate-limits-for-the-rest-api.md):
 * - primary: requests per hour per installation / app / user (anonymous: 60 per IP), reported in
 *   `x-ratelimit-*` headers on every answer; when spent → 403 with `x-ratelimit-remaining: 0`.
 * - secondary: ≤ 900 points per minute per endpoint (GET/HEAD/OPTIONS 1, other methods 5) and ≤ 100
 *   concurrent requests → 403/429 with `retry-after` and a message containing "secondary rate limit",
 *   which is what @octokit/plugin-throttling matches (`/\bsecondary rate\b/i`). Counted per App
 *   identity (its JWT and all its installations' tokens), so a second App brings a second budget;
 * - the org's runner-registration limit (registration-limiter.ts), shared by every App.
 */

export interface RateLimitSettings {
  enabled: boolean;
  primaryPerHour: number;
  secondaryPointsPerMinute: number;
  maxConcurrent: number;
  /** Runner registrations per org per 5 minutes (GitHub: 1,500). */
  registrationsPer5Minutes: number;
}

const JIT_CONFIG_ENDPOINT = "POST /orgs/{org}/actions/runners/generate-jitconfig";

const ANONYMOUS_PER_HOUR = 60;
const HOUR_MS = 3_600_000;
const SECONDARY_MESSAGE =
  "You have exceeded a secondary rate limit. Please wait a few minutes before you try again. " +
  "If you reach out to GitHub Support for help, please include the request ID";

export interface RateVerdict {
  headers: Record<string, string>;
  rejection?: ApiError;
}

export class RateLimiter {
  primaryLimited = 0;
  secondaryLimited = 0;
  readonly #settings: RateLimitSettings;
  readonly #now: () => number;
  readonly #primary = new Map<string, { used: number; resetAt: number }>();
  readonly #secondary = new Map<string, TokenBucket>();
  readonly #inFlight = new Map<string, number>();
  readonly registrations: RegistrationLimiter;

  constructor(settings: RateLimitSettings, now: () => number) {
    this.#settings = settings;
    this.#now = now;
    this.registrations = new RegistrationLimiter(
      { enabled: settings.enabled, perWindow: settings.registrationsPer5Minutes, windowMs: 300_000 },
      now,
    );
  }

  /** Marks a request in flight for `key`; pair with leave(). */
  enter(key: string): void {
    this.#inFlight.set(key, (this.#inFlight.get(key) ?? 0) + 1);
  }

  leave(key: string): void {
    const n = (this.#inFlight.get(key) ?? 1) - 1;
    if (n <= 0) this.#inFlight.delete(key);
    else this.#inFlight.set(key, n);
  }

  check(
    caller: Caller,
    method: string,
    endpoint: string,
    requestId: string,
    countsPrimary: boolean,
    /** The org a runner registration is for (the route's `{org}`). */
    org?: string,
  ): RateVerdict {
    const limit =
      caller.kind === "anonymous" || caller.kind === "rejected"
        ? ANONYMOUS_PER_HOUR
        : this.#settings.primaryPerHour;
    const window = this.#window(caller.key);
    const headers = () => primaryHeaders(limit, window.used, window.resetAt);
    if (!this.#settings.enabled) {
      if (countsPrimary) window.used++;
      return { headers: headers() };
    }

    if ((this.#inFlight.get(caller.key) ?? 0) > this.#settings.maxConcurrent) {
      this.secondaryLimited++;
      return { headers: headers(), rejection: secondary(429, 60, requestId) };
    }
    const cost = ["GET", "HEAD", "OPTIONS"].includes(method) ? 1 : 5;
    const bucket = this.#bucket(`${identityKey(caller)} ${endpoint}`);
    if (!bucket.tryTake(cost)) {
      this.secondaryLimited++;
      return {
        headers: headers(),
        rejection: secondary(403, Math.max(1, Math.ceil(bucket.msUntil(cost) / 1000)), requestId),
      };
    }
    if (countsPrimary && window.used >= limit) {
      this.primaryLimited++;
      return { headers: headers(), rejection: primary(caller) };
    }
    if (endpoint === JIT_CONFIG_ENDPOINT && org !== undefined) {
      const rejection = this.registrations.check(org, requestId);
      if (rejection) return { headers: headers(), rejection };
    }
    if (countsPrimary) window.used++;
    return { headers: headers() };
  }

  /** For `GET /rate_limit`. */
  status(key: string, anonymous: boolean): { limit: number; used: number; remaining: number; reset: number } {
    const limit = anonymous ? ANONYMOUS_PER_HOUR : this.#settings.primaryPerHour;
    const w = this.#window(key);
    return {
      limit,
      used: w.used,
      remaining: Math.max(0, limit - w.used),
      reset: Math.ceil(w.resetAt / 1000),
    };
  }

  #window(key: string): { used: number; resetAt: number } {
    const now = this.#now();
    let w = this.#primary.get(key);
    if (!w || w.resetAt <= now) {
      w = { used: 0, resetAt: now + HOUR_MS };
      this.#primary.set(key, w);
    }
    return w;
  }

  #bucket(key: string): TokenBucket {
    let bucket = this.#secondary.get(key);
    if (!bucket) {
      const capacity = this.#settings.secondaryPointsPerMinute;
      bucket = new TokenBucket({ capacity, refillPerSecond: capacity / 60, now: this.#now });
      this.#secondary.set(key, bucket);
    }
    return bucket;
  }
}

/** Whose secondary budget a call spends: the App's for its JWT and its installations' tokens. */
function identityKey(caller: Caller): string {
  if (caller.kind === "installation") return `app:${caller.installation.app.id}`;
  return caller.key;
}

function primaryHeaders(limit: number, used: number, resetAt: number): Record<string, string> {
  return {
    "x-ratelimit-limit": String(limit),
    "x-ratelimit-remaining": String(Math.max(0, limit - used)),
    "x-ratelimit-used": String(used),
    "x-ratelimit-reset": String(Math.ceil(resetAt / 1000)),
    "x-ratelimit-resource": "core",
  };
}

function secondary(status: 403 | 429, retryAfterSeconds: number, requestId: string): ApiError {
  return new ApiError(status, `${SECONDARY_MESSAGE} ${requestId}.`, {
    documentationUrl: DOCS_RATE_LIMITS,
    headers: { "retry-after": String(retryAfterSeconds) },
  });
}

function primary(caller: Caller): ApiError {
  const message = (() => {
    switch (caller.kind) {
      case "installation":
        return `API rate limit exceeded for installation ID ${caller.installation.id}.`;
      case "app":
        return `API rate limit exceeded for app ID ${caller.app.id}.`;
      case "user":
        return `API rate limit exceeded for user ID ${caller.user.id}.`;
      default:
        return `API rate limit exceeded for ${caller.ip}. (But here's the good news: Authenticated requests get a higher rate limit. Check out the documentation for more details.)`;
    }
  })();
  return new ApiError(403, message, { documentationUrl: DOCS_PRIMARY_RATE_LIMITS });
}
