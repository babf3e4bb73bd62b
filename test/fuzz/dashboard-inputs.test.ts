import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Sandbox, startSandbox } from "../../sandbox/sandbox.js";
import { startMayfly } from "../../sandbox/start-mayfly.js";
import type { Mayfly } from "../../src/mayfly.js";
import { type Answer, call, isClearError } from "./answer.js";
import { headerValue } from "./arbitraries.js";

/**
 * Fuzzed dashboard inputs (issue 7, bad input): query strings, path parameters and headers of the JSON API
 * (with the bearer token) and of the sign-in callback. Reads answer 200 or a clear 4xx; admin actions on
 * instances that do not exist answer 400 or 404; nothing answers 5xx.
 */

/** A URL component as a browser or a script might send it: encoded, or raw with stray percent signs. */
const component = fc.oneof(
  fc.string({ maxLength: 30 }).map(encodeURIComponent),
  fc.stringMatching(/^(%[0-9a-zA-Z]{0,2}|[a-zA-Z0-9._~!$&'()*+,;=:@-]){1,24}$/),
);
const query = fc
  .array(
    fc.tuple(
      fc.oneof(fc.constantFrom("after", "limit", "v", "code", "state", "error"), component),
      component,
    ),
    {
      maxLength: 4,
    },
  )
  .map((pairs) => (pairs.length ? `?${pairs.map(([k, v]) => `${k}=${v}`).join("&")}` : ""));
const number = fc.oneof(
  fc.integer().map(String),
  fc.double().map(String),
  fc.constantFrom("", "-1", "0", "1e3", "2001", "9007199254740993", "0x10", " 5", "NaN", "Infinity"),
);

describe("fuzzed dashboard inputs", () => {
  let sandbox: Sandbox;
  let mayfly: Mayfly & { url: string };
  let token: string;
  const api = (path: string, init: RequestInit = {}) =>
    call(`${mayfly.url}${path}`, { ...init, headers: { authorization: `Bearer ${token}`, ...init.headers } });
  const expectNo5xx = (answer: Answer) =>
    expect(answer.status, JSON.stringify(answer.body).slice(0, 300)).toBeLessThan(500);

  beforeAll(async () => {
    sandbox = await startSandbox();
    mayfly = await startMayfly(sandbox, { env: { MAYFLY_ROLES: "dashboard" } });
    token = mayfly.config.dashboard.token!;
  });
  afterAll(async () => {
    await mayfly?.stop();
    await sandbox?.stop();
  });

  it("answers reads with 200 or a clear 400, whatever the query", async () => {
    const read = fc.constantFrom("runners", "pools", "summary", "costs", "events");
    await fc.assert(
      fc.asyncProperty(read, query, async (what, q) => {
        const answer = await api(`/api/v1/${what}${q}`);
        expectNo5xx(answer);
        if (answer.status !== 200) {
          expect(answer.status).toBe(400);
          expect(isClearError(answer)).toBe(true);
        }
      }),
      { numRuns: 150 },
    );
  });

  it("answers the event feed's paging with 200 or a clear 400", async () => {
    await fc.assert(
      fc.asyncProperty(fc.option(number), fc.option(number), async (after, limit) => {
        const params = new URLSearchParams();
        if (after !== null) params.set("after", after);
        if (limit !== null) params.set("limit", limit);
        const answer = await api(`/api/v1/events?${params}`);
        expectNo5xx(answer);
        if (answer.status !== 200) expect(isClearError(answer)).toBe(true);
      }),
      { numRuns: 150 },
    );
  });

  it("refuses admin actions on instances that are not there with a 400 or 404", async () => {
    const action = fc.constantFrom("runners/{id}/drain", "instances/{id}/terminate");
    const id = fc.oneof(component, fc.stringMatching(/^i-[0-9a-f]{8,17}$/));
    await fc.assert(
      fc.asyncProperty(action, id, async (path, instanceId) => {
        const answer = await api(`/api/v1/${path.replace("{id}", instanceId)}`, { method: "POST" });
        expectNo5xx(answer);
        expect([400, 404], JSON.stringify(answer)).toContain(answer.status);
        expect(isClearError(answer)).toBe(true);
      }),
      { numRuns: 150 },
    );
  });

  it("answers unknown API paths and methods with a clear 4xx", async () => {
    const method = fc.constantFrom("GET", "POST", "PUT", "DELETE", "PATCH");
    const path = fc.array(component, { minLength: 1, maxLength: 4 }).map((parts) => parts.join("/"));
    await fc.assert(
      fc.asyncProperty(method, path, async (m, p) => {
        const answer = await api(`/api/v1/${p}`, { method: m });
        expectNo5xx(answer);
        if (answer.status >= 400) expect(isClearError(answer)).toBe(true);
      }),
      { numRuns: 150 },
    );
  });

  it("refuses any other credential with a 401", async () => {
    await fc.assert(
      fc.asyncProperty(
        headerValue,
        fc.constantFrom("runners", "summary", "events"),
        async (authorization, what) => {
          fc.pre(authorization !== `Bearer ${token}`);
          const answer = await call(`${mayfly.url}/api/v1/${what}`, { headers: { authorization } });
          expect(answer.status).toBe(401);
          expect(isClearError(answer)).toBe(true);
        },
      ),
      { numRuns: 100 },
    );
  });

  it("answers the live stream's resume point with 200 or a clear 400", async () => {
    await fc.assert(
      fc.asyncProperty(fc.option(number), fc.option(headerValue), async (after, lastEventId) => {
        const controller = new AbortController();
        const headers: Record<string, string> = { authorization: `Bearer ${token}` };
        if (lastEventId !== null) headers["last-event-id"] = lastEventId;
        const res = await fetch(
          `${mayfly.url}/api/v1/stream${after === null ? "" : `?after=${encodeURIComponent(after)}`}`,
          {
            headers,
            signal: controller.signal,
          },
        );
        if (res.status !== 200) {
          expect(res.status).toBe(400);
          expect(((await res.json()) as { error?: string }).error).toBeTruthy();
        }
        controller.abort();
      }),
      { numRuns: 60 },
    );
  });

  it("answers sign-in callbacks and asset names with a page or a 4xx, never a 5xx", async () => {
    const path = fc.oneof(
      query.map((q) => `/dashboard/callback${q}`),
      component.map((name) => `/dashboard/assets/${name}`),
    );
    await fc.assert(
      fc.asyncProperty(path, async (p) => {
        const res = await fetch(`${mayfly.url}${p}`, { redirect: "manual" });
        await res.body?.cancel();
        expect(res.status).toBeLessThan(500);
      }),
      { numRuns: 150 },
    );
  });

  it("keeps serving", async () => {
    expect((await api("/api/v1/summary")).status).toBe(200);
  });
});
