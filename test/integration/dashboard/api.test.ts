import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { CONTENT_SECURITY_POLICY } from "../../../src/dashboard/security-headers.js";
import { CSRF, createHarness, type Harness, json, sessionCookie, TOKEN, testConfig } from "./harness.js";

/** The JSON API and the page behind authentication: who gets in, what they see, what is refused. */

let h: Harness;
beforeEach(() => {
  h = createHarness();
});
afterEach(() => h.close());

const bearer = { authorization: `Bearer ${TOKEN}` };
const READS = [
  "/api/v1/runners",
  "/api/v1/pools",
  "/api/v1/events",
  "/api/v1/summary",
  "/api/v1/costs",
  "/api/v1/stream",
];
const WRITES = [
  "/api/v1/runners/i-0123456789abcdef0/drain",
  "/api/v1/instances/i-0123456789abcdef0/terminate",
];

describe("without credentials", () => {
  it.each(READS)("GET %s is 401", async (path) => {
    const res = await h.app.request(path);
    expect(res.status).toBe(401);
    expect(res.headers.get("www-authenticate")).toBe('Bearer realm="mayfly"');
    expect(await res.json()).toEqual({ error: "sign in or send a bearer token" });
  });

  it.each(WRITES)("POST %s is 401", async (path) => {
    expect((await h.app.request(path, { method: "POST" })).status).toBe(401);
  });

  it("redirects the page to sign-in", async () => {
    const res = await h.app.request("/dashboard");
    expect(res.status).toBe(302);
    expect(res.headers.get("location")).toBe("/dashboard/login");
  });

  it("serves the static assets (they hold no data)", async () => {
    const js = await h.app.request("/dashboard/assets/dashboard.js");
    expect(js.status).toBe(200);
    expect(js.headers.get("content-type")).toMatch(/^text\/javascript/);
    expect((await h.app.request("/dashboard/assets/dashboard.css")).status).toBe(200);
    expect((await h.app.request("/dashboard/assets/nope.js")).status).toBe(404);
  });
});

describe("with a forged or expired session", () => {
  it.each([
    [
      "signed with another key",
      () => sessionCookie("mallory", "all", { key: new TextEncoder().encode("x".repeat(40)) }),
    ],
    ["expired", () => sessionCookie("alice", ["acme"], { now: () => Date.now() - 8 * 3_600_000 - 60_000 })],
    ["garbage", async () => "mayfly_session=not-a-token"],
  ])("%s: API 401, page redirect", async (_, make) => {
    const cookie = await make();
    expect((await h.app.request("/api/v1/runners", { headers: { cookie } })).status).toBe(401);
    const page = await h.app.request("/dashboard", { headers: { cookie } });
    expect(page.status).toBe(302);
    expect(page.headers.get("location")).toBe("/dashboard/login");
  });
});

describe("with a session", () => {
  it("serves the page with the CSRF token embedded and strict security headers", async () => {
    const res = await h.app.request("/dashboard", {
      headers: { cookie: await sessionCookie("alice", ["acme"]) },
    });
    expect(res.status).toBe(200);
    const html = await res.text();
    expect(html).toContain(`<meta name="mayfly-csrf" content="${CSRF}">`);
    expect(html).toContain("Signed in as <strong>alice</strong>");
    expect(html).not.toMatch(/https?:\/\/(?!www\.w3\.org)/);
    expect(res.headers.get("content-security-policy")).toBe(CONTENT_SECURITY_POLICY);
    expect(res.headers.get("x-frame-options")).toBe("DENY");
    expect(res.headers.get("x-content-type-options")).toBe("nosniff");
    expect(res.headers.get("referrer-policy")).toBe("no-referrer");
    expect(res.headers.get("cache-control")).toBe("no-store");
    // Plain-http localhost: no HSTS (it would pin the browser to https on localhost).
    expect(res.headers.get("strict-transport-security")).toBeNull();
  });

  it("puts the security headers on refusals too", async () => {
    const res = await h.app.request("/api/v1/runners");
    expect(res.headers.get("content-security-policy")).toBe(CONTENT_SECURITY_POLICY);
  });

  it("refuses a POST without the CSRF header (403) or with a wrong one, and accepts the right one", async () => {
    const id = await h.launch("acme");
    const cookie = await sessionCookie("alice", ["acme"]);
    const path = `/api/v1/instances/${id}/terminate`;
    expect((await h.app.request(path, { method: "POST", headers: { cookie } })).status).toBe(403);
    const wrong = await h.app.request(path, { method: "POST", headers: { cookie, "x-csrf-token": "nope" } });
    expect(wrong.status).toBe(403);
    expect(await wrong.json()).toEqual({ error: "missing or wrong x-csrf-token header" });
    expect(h.fleet.terminations).toEqual([]);
    const ok = await h.app.request(path, { method: "POST", headers: { cookie, "x-csrf-token": CSRF } });
    expect(ok.status).toBe(200);
    expect(h.fleet.terminations).toEqual([[id]]);
  });

  it("signs out: the cookie is cleared; a session's logout needs its CSRF token", async () => {
    const cookie = await sessionCookie("alice", ["acme"]);
    expect((await h.app.request("/dashboard/logout", { method: "POST", headers: { cookie } })).status).toBe(
      403,
    );
    const res = await h.app.request("/dashboard/logout", {
      method: "POST",
      headers: { cookie, "x-csrf-token": CSRF },
    });
    expect(res.status).toBe(204);
    expect(res.headers.get("set-cookie")).toMatch(/^mayfly_session=; Max-Age=0; Path=\//);
    expect((await h.app.request("/dashboard/signed-out")).status).toBe(200);
  });
});

describe("with the bearer token", () => {
  it("reads the API and acts without CSRF (no cookies involved)", async () => {
    const id = await h.launch("acme");
    expect((await h.app.request("/api/v1/runners", { headers: bearer })).status).toBe(200);
    const res = await h.app.request(`/api/v1/instances/${id}/terminate`, { method: "POST", headers: bearer });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ ok: true, message: `api-token terminated instance ${id}` });
  });

  it.each([
    ["a wrong token", `Bearer ${TOKEN}x`],
    ["a prefix of the token", `Bearer ${TOKEN.slice(0, 10)}`],
    ["another scheme", `Basic ${TOKEN}`],
    ["an empty token", "Bearer "],
  ])("refuses %s with 401", async (_, authorization) => {
    const res = await h.app.request("/api/v1/runners", { headers: { authorization } });
    expect(res.status).toBe(401);
    expect(await res.json()).toEqual({ error: "invalid bearer token" });
  });

  it("refuses a wrong token even alongside a valid session cookie", async () => {
    const cookie = await sessionCookie("alice", ["acme"]);
    const res = await h.app.request("/api/v1/runners", {
      headers: { cookie, authorization: "Bearer wrong" },
    });
    expect(res.status).toBe(401);
  });

  it("is not a way into the HTML page", async () => {
    expect((await h.app.request("/dashboard", { headers: bearer })).status).toBe(302);
  });

  it("works for nobody when no token is configured", async () => {
    const bare = createHarness({
      config: { ...testConfig(), dashboard: { sessionKey: undefined, token: undefined, team: undefined } },
    });
    expect((await bare.app.request("/api/v1/runners", { headers: bearer })).status).toBe(401);
    bare.close();
  });
});

describe("input validation", () => {
  it.each([
    ["/api/v1/events?after=abc", "GET"],
    ["/api/v1/events?after=-1", "GET"],
    ["/api/v1/events?limit=0", "GET"],
    ["/api/v1/events?surprise=1", "GET"],
    ["/api/v1/runners?x=1", "GET"],
    ["/api/v1/stream?after=x", "GET"],
    ["/api/v1/runners/not-an-instance/drain", "POST"],
    ["/api/v1/instances/i-XYZ/terminate", "POST"],
    ["/api/v1/instances/i-0123%3Cscript%3E/terminate", "POST"],
  ])("%s → 400", async (path, method) => {
    const res = await h.app.request(path, { method, headers: bearer });
    expect(res.status).toBe(400);
    expect((await json(res)).error).toMatch(/^invalid (query|path)/);
  });

  it("refuses a malformed Last-Event-ID", async () => {
    const res = await h.app.request("/api/v1/stream", { headers: { ...bearer, "last-event-id": "abc" } });
    expect(res.status).toBe(400);
  });
});
