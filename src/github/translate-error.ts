import { ThrottledError, UnavailableError } from "../errors.js";

interface OctokitLikeError {
  status?: number;
  message?: string;
  response?: { headers?: Record<string, string | number | undefined> };
}

/**
 * Maps a GitHub answer that isn't the caller's business (rate limits, 5xx, network) to our named errors.
 * Returns undefined for answers the caller handles itself (404, 409, 422, …).
 * Rate-limit recognition follows @octokit/plugin-throttling: "secondary rate" in the message, or
 * `x-ratelimit-remaining: 0` (https://docs.github.com/en/rest/using-the-rest-api/rate-limits-for-the-rest-api).
 */
export function translateGitHubError(error: unknown, now: () => number = Date.now): Error | undefined {
  const e = error as OctokitLikeError;
  const status = e.status ?? 0;
  const headers = e.response?.headers ?? {};
  if (status === 403 || status === 429) {
    const retryAfter = Number(headers["retry-after"]);
    if (/secondary rate/i.test(e.message ?? "")) {
      return new ThrottledError("GitHub secondary rate limit", (retryAfter || 60) * 1000, { cause: error });
    }
    if (String(headers["x-ratelimit-remaining"]) === "0") {
      const reset = Number(headers["x-ratelimit-reset"]) * 1000;
      return new ThrottledError("GitHub primary rate limit spent", Math.max(1000, reset - now() + 1000), {
        cause: error,
      });
    }
    if (status === 429)
      return new ThrottledError("GitHub rate limit", (retryAfter || 60) * 1000, { cause: error });
    return undefined;
  }
  if (status >= 500 || status === 0) {
    return new UnavailableError(`GitHub unavailable (${status || "network error"}): ${e.message ?? ""}`, {
      cause: error,
    });
  }
  return undefined;
}

export function githubStatus(error: unknown): number {
  return (error as OctokitLikeError).status ?? 0;
}
