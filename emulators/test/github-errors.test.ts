import { pino } from "pino";
import { Probot } from "probot";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type GitHubEmulator, startGitHubEmulator } from "../src/github/emulator.js";

/** Bad requests get GitHub's answers; injected faults; the /_emulator control endpoints. */

let gh: GitHubEmulator;
let token: string;
let octokit: Awaited<ReturnType<Probot["auth"]>>;

beforeAll(async () => {
  gh = await startGitHubEmulator();
  const app = gh.registerApp({ webhookSecret: "s3cret" });
  gh.addRepo({ owner: "acme", name: "api", visibility: "private" });
  const { installationId } = gh.installApp(app.id, "acme");
  const probot = new Probot({
    appId: app.id,
    privateKey: app.privateKeyPem,
    baseUrl: gh.url,
    log: pino({ level: "silent" }),
  });
  const { data } = await (await probot.auth()).request(
    "POST /app/installations/{installation_id}/access_tokens",
    {
      installation_id: installationId,
    },
  );
  token = data.token;
  // Probot's real defaults, retry plugin included.
  octokit = await probot.auth(installationId);
});

afterAll(() => gh.stop());

const api = (path: string, init: RequestInit = {}) =>
  fetch(`${gh.url}${path}`, { ...init, headers: { authorization: `token ${token}`, ...init.headers } });

describe("GitHub's error answers", () => {
  it("answers 404 Not Found for unknown paths, wrong methods and trailing slashes, with rate-limit headers", async () => {
    for (const [method, path] of [
      ["GET", "/nope"],
      ["PUT", "/orgs/acme/actions/runners"],
      ["GET", "/orgs/acme/actions/runners/"],
      ["GET", "/orgs/acme/actions/runners/not-a-number"],
    ] as const) {
      const res = await api(path, { method });
      expect(res.status).toBe(404);
      expect(res.headers.get("x-ratelimit-limit")).toBe("5000");
      expect(await res.json()).toMatchObject({
        message: "Not Found",
        status: "404",
        documentation_url: expect.stringMatching(/^https:\/\/docs\.github\.com\//),
      });
    }
  });

  it("answers 400 for bodies it cannot parse", async () => {
    const post = (body: string) =>
      api("/orgs/acme/actions/runners/generate-jitconfig", {
        method: "POST",
        body,
        headers: { "content-type": "application/json" },
      });
    const malformed = await post("{ nope");
    expect(malformed.status).toBe(400);
    expect(await malformed.json()).toMatchObject({ message: "Problems parsing JSON", status: "400" });
    const array = await post("[1]");
    expect(await array.json()).toMatchObject({ message: "Body should be a JSON object" });
  });

  it("answers 401 for a malformed authorization header and without one where auth is required", async () => {
    const garbled = await fetch(`${gh.url}/orgs/acme/actions/runners`, {
      headers: { authorization: "Basic Zm9v" },
    });
    expect(garbled.status).toBe(401);
    expect(await garbled.json()).toMatchObject({ message: "Bad credentials" });
    const anonymous = await fetch(`${gh.url}/orgs/acme/actions/runners`);
    expect(anonymous.status).toBe(401);
    expect(anonymous.headers.get("x-ratelimit-limit")).toBe("60");
  });
});

describe("fault injection", () => {
  it("fails the next matching call; Probot's retry plugin retries the 5xx", async () => {
    gh.failNext({ method: "GET", path: "/orgs/{org}/actions/runners", status: 502, count: 1 });
    const before = gh.stats().calls["GET /orgs/{org}/actions/runners"] ?? 0;
    const { status } = await octokit.rest.actions.listSelfHostedRunnersForOrg({ org: "acme" });
    expect(status).toBe(200);
    expect(gh.stats().calls["GET /orgs/{org}/actions/runners"]).toBe(before + 2);
    expect(gh.stats().byStatus[502]).toBe(1);
  });

  it("answers a chosen body and headers, matched by RegExp", async () => {
    gh.failNext({
      path: /generate-jitconfig$/,
      status: 503,
      count: 1,
      body: { message: "unicorn" },
      headers: { "x-test": "1" },
    });
    const res = await api("/orgs/acme/actions/runners/generate-jitconfig", { method: "POST", body: "{}" });
    expect(res.status).toBe(503);
    expect(res.headers.get("x-test")).toBe("1");
    expect(await res.json()).toEqual({ message: "unicorn" });
  });
});

describe("/_emulator control endpoints", () => {
  const control = (path: string, body?: unknown) =>
    fetch(
      `${gh.url}/_emulator${path}`,
      body === undefined ? {} : { method: "POST", body: JSON.stringify(body) },
    );

  it("enqueues, lists and cancels jobs", async () => {
    const created = await control("/jobs", {
      org: "acme",
      repo: "api",
      labels: ["self-hosted", "x"],
      durationMs: 5,
    });
    expect(created.status).toBe(201);
    const job = (await created.json()) as { id: number; status: string };
    expect(job.status).toBe("queued");
    const listed = (await (await control("/jobs")).json()) as { jobs: { id: number }[] };
    expect(listed.jobs.map((j) => j.id)).toContain(job.id);
    const cancelled = await control(`/jobs/${job.id}/cancel`, {});
    expect(await cancelled.json()).toMatchObject({ status: "completed", conclusion: "cancelled" });
    expect((await control("/orgs/acme/runners")).status).toBe(200);
    expect((await control("/stats")).status).toBe(200);
  });

  it("refuses invalid bodies and unknown endpoints with a message", async () => {
    const bad = await control("/jobs", { org: "acme", repo: "api", labels: [], durationMs: 5 });
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { message: string }).message).toContain("labels");
    expect(
      (await control("/jobs", { org: "acme", repo: "missing", labels: ["x"], durationMs: 5 })).status,
    ).toBe(404);
    expect((await control("/nothing")).status).toBe(404);
    expect((await control("/runner/connect", { encoded_jit_config: "e30=" })).status).toBe(400);
  });

  it("switches latency and faults", async () => {
    expect((await control("/faults/latency", { ms: 150 })).status).toBe(204);
    const started = performance.now();
    await api("/orgs/acme/actions/runners");
    expect(performance.now() - started).toBeGreaterThanOrEqual(140);
    gh.setLatency(0);
    expect(
      (
        await control("/faults/fail-next", {
          pathRegex: "^/orgs/acme/actions/runners$",
          status: 500,
          count: 1,
        })
      ).status,
    ).toBe(204);
    expect((await api("/orgs/acme/actions/runners")).status).toBe(500);
    expect((await api("/orgs/acme/actions/runners")).status).toBe(200);
  });
});
