import type { Octokit } from "@octokit/core";
import type { OctokitOptions } from "@octokit/core/types";
import type { Logger } from "pino";
import { ProbotOctokit } from "probot";
import { EndpointBudget } from "./endpoint-budget.js";
import type { RegistrationBudget } from "./registration-budget.js";

/**
 * Probot's Octokit, tuned for an autoscaler:
 * - writes are paced per endpoint by `EndpointBudget` instead of Probot's 1 write/s serialisation
 *   (@octokit/plugin-throttling's "write" group), so JIT configs are not capped at 60 a minute; each
 *   App identity builds its own class, so each has its own budget; JIT configs also wait for the org's
 *   runner-registration budget, which all identities share;
 * - 409 is never retried (@octokit/plugin-retry retries it by default; a 409 on generate-jitconfig
 *   means the runner name is taken, which is how bootstrap replay is refused);
 * - rate limits are waited out inline only when the wait is short; otherwise the call fails fast
 *   and the work goes back to the queue, instead of a request hanging for up to an hour.
 */

export interface GitHubCallObserver {
  call(method: string, status: number): void;
  throttled(kind: "primary" | "secondary"): void;
}

const MAX_INLINE_WAIT_SECONDS = 5;

/** A Bottleneck.Group look-alike that schedules at once: pacing is EndpointBudget's job. */
const passThroughGroup = {
  key: () => ({
    schedule: <A extends unknown[], R>(_options: unknown, fn: (...args: A) => R, ...args: A): R =>
      fn(...args),
  }),
};

const JIT_CONFIG_ROUTE = "/orgs/{org}/actions/runners/generate-jitconfig";

export function createMayflyOctokit(options: {
  writePointsPerMinute: number;
  /** Defaults to what the rate leaves of 900 points (EndpointBudget). */
  writeBurstPoints?: number;
  registrations?: RegistrationBudget;
  observer?: GitHubCallObserver;
  log?: Logger;
}) {
  const budget = new EndpointBudget({
    pointsPerMinute: options.writePointsPerMinute,
    burstPoints: options.writeBurstPoints,
  });
  const observer = options.observer;

  const paced = (octokit: Octokit, octokitOptions: OctokitOptions) => {
    const installation = (octokitOptions.throttle as { id?: string } | undefined)?.id ?? "app";
    octokit.hook.wrap("request", async (request, endpoint) => {
      if (endpoint.method !== "GET" && endpoint.method !== "HEAD") {
        // `request.signal` ends only the wait for the budget: once sent, a write is never cut off, because
        // GitHub may act on it and the answer would be lost. `request.beforeSend` runs once, after the
        // wait and before the first send (bootstrap records its enrolment there: ADR 0007); if it
        // throws, nothing is sent.
        const { signal, beforeSend, ...rest } = (endpoint.request ?? {}) as {
          signal?: AbortSignal;
          beforeSend?: () => Promise<void>;
        };
        const route = String(endpoint.url);
        const org = (endpoint as { org?: unknown }).org;
        const registration =
          route === JIT_CONFIG_ROUTE && typeof org === "string"
            ? options.registrations?.bucket(org)
            : undefined;
        await budget.take(installation, endpoint.method, route, signal, registration);
        endpoint.request = rest;
        await beforeSend?.();
      }
      try {
        const response = await request(endpoint);
        observer?.call(endpoint.method, response.status);
        return response;
      } catch (error) {
        observer?.call(endpoint.method, (error as { status?: number }).status ?? 0);
        throw error;
      }
    });
  };

  return ProbotOctokit.plugin(paced).defaults((instanceOptions: Record<string, unknown>) => {
    const throttle = (instanceOptions.throttle ?? {}) as Record<string, unknown>;
    return {
      ...instanceOptions,
      retry: { doNotRetry: [400, 401, 403, 404, 409, 410, 422, 451], retries: 2 },
      throttle: {
        ...throttle,
        write: passThroughGroup,
        onRateLimit: (retryAfter: number, request: { method: string; url: string }) => {
          observer?.throttled("primary");
          options.log?.warn(
            { retryAfter, method: request.method, url: request.url },
            "GitHub primary rate limit",
          );
          return retryAfter <= MAX_INLINE_WAIT_SECONDS;
        },
        onSecondaryRateLimit: (
          retryAfter: number,
          request: { method: string; url: string },
          _octokit: unknown,
          retryCount: number,
        ) => {
          observer?.throttled("secondary");
          options.log?.warn(
            { retryAfter, method: request.method, url: request.url },
            "GitHub secondary rate limit",
          );
          return retryAfter <= MAX_INLINE_WAIT_SECONDS && retryCount < 2;
        },
      },
    };
  });
}

export type MayflyOctokit = InstanceType<ReturnType<typeof createMayflyOctokit>>;
