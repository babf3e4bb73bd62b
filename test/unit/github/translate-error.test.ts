import { describe, expect, it } from "vitest";
import { ThrottledError, UnavailableError } from "../../../src/errors.js";
import { translateGitHubError } from "../../../src/github/translate-error.js";

const now = () => 1_000_000_000_000;
const err = (status: number, message = "", headers: Record<string, string> = {}) => ({
  status,
  message,
  response: { headers },
});

describe("translateGitHubError", () => {
  it.each([
    [
      "secondary limit with retry-after",
      err(403, "You have exceeded a secondary rate limit", { "retry-after": "30" }),
      ThrottledError,
      30_000,
    ],
    [
      "secondary limit without retry-after waits a minute",
      err(429, "secondary rate limit"),
      ThrottledError,
      60_000,
    ],
    [
      "primary limit waits until reset",
      err(403, "API rate limit exceeded", {
        "x-ratelimit-remaining": "0",
        "x-ratelimit-reset": String(now() / 1000 + 120),
      }),
      ThrottledError,
      121_000,
    ],
    ["a 502", err(502, "Bad Gateway"), UnavailableError, undefined],
    ["a network failure", err(0, "fetch failed"), UnavailableError, undefined],
  ])("%s", (_, error, type, retryAfterMs) => {
    const translated = translateGitHubError(error, now);
    expect(translated).toBeInstanceOf(type);
    expect((translated as Error).cause).toBe(error);
    if (retryAfterMs !== undefined) expect((translated as ThrottledError).retryAfterMs).toBe(retryAfterMs);
  });

  it.each([[404], [409], [422], [401]])("leaves %i to the caller", (status) => {
    expect(translateGitHubError(err(status), now)).toBeUndefined();
  });

  it("leaves a plain 403 (permission) to the caller", () => {
    expect(translateGitHubError(err(403, "Resource not accessible by integration"), now)).toBeUndefined();
  });
});
