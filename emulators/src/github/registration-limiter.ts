import { ApiError, DOCS_RATE_LIMITS } from "./api-error.js";

/**
 * The org's runner-registration limit: "Runner registrations | 1500 runners / 5 minutes /
 * repository/org/enterprise" (https://docs.github.com/en/actions/reference/limits). Every
 * `generate-jitconfig` an org receives counts, whichever App identity sends it: that is what several
 * Apps cannot lift. Counted over a sliding 5-minute window, the strictest reading.
 *
 * GitHub does not document the answer to exceeding it. This gives the answer its docs give for a
 * secondary limit (403/429, `retry-after`, a message naming a secondary rate limit, which is what
 * @octokit/plugin-throttling recognises), with `x-ratelimit-resource: actions_runner_registration`, the
 * resource `GET /rate_limit` names for runner registration. ASSUMPTION, see the limits reference §2.5.
 */

export interface RegistrationLimitSettings {
  enabled: boolean;
  perWindow: number;
  windowMs: number;
}

const MESSAGE =
  "You have exceeded a secondary rate limit for runner registrations in this organization. " +
  "Please wait before you try again. If you reach out to GitHub Support for help, please include the request ID";

export class RegistrationLimiter {
  limited = 0;
  readonly #settings: RegistrationLimitSettings;
  readonly #now: () => number;
  /** Per org: registration times, oldest first; `start` skips the ones that left the window. */
  readonly #orgs = new Map<string, { times: number[]; start: number }>();

  constructor(settings: RegistrationLimitSettings, now: () => number) {
    this.#settings = settings;
    this.#now = now;
  }

  /** Counts one registration for the org, or returns the rejection when its window is full. */
  check(org: string, requestId: string): ApiError | undefined {
    if (!this.#settings.enabled) return undefined;
    const now = this.#now();
    const key = org.toLowerCase();
    let entry = this.#orgs.get(key);
    if (!entry) {
      entry = { times: [], start: 0 };
      this.#orgs.set(key, entry);
    }
    const cutoff = now - this.#settings.windowMs;
    while (entry.start < entry.times.length && entry.times[entry.start]! <= cutoff) entry.start++;
    if (entry.start > 1024 && entry.start * 2 > entry.times.length) {
      entry.times = entry.times.slice(entry.start);
      entry.start = 0;
    }
    if (entry.times.length - entry.start >= this.#settings.perWindow) {
      this.limited++;
      const oldest = entry.times[entry.start]!;
      const retryAfter = Math.max(1, Math.ceil((oldest + this.#settings.windowMs - now) / 1000));
      return new ApiError(429, `${MESSAGE} ${requestId}.`, {
        documentationUrl: DOCS_RATE_LIMITS,
        headers: { "retry-after": String(retryAfter), "x-ratelimit-resource": "actions_runner_registration" },
      });
    }
    entry.times.push(now);
    return undefined;
  }
}
