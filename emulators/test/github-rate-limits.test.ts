import { pino } from "pino";
import { Probot, ProbotOctokit } from "probot";
import { afterEach, describe, expect, it } from "vitest";
import {
  type GitHubEmulator,
  type GitHubEmulatorOptions,
  startGitHubEmulator,
} from "../src/github/emulator.js";

/**
 * Primary and secondary rate limits as @octokit/plugin-throttling (inside ProbotOctokit) recognises
 * them: its handlers are replaced by recorders that decline to retry, so nothing waits for a reset.
 */

let gh: GitHubEmulator | undefined;
afterEach(() => gh?.stop());

async function setup(options: GitHubEmulatorOptions) {
  gh = await startGitHubEmulator(options);
  const app = gh.registerApp({ webhookSecret: "s3cret" });
  gh.addRepo({ owner: "acme", name: "api", visibility: "private" });
  const { installationId } = gh.installApp(app.id, "acme");
  const seen: { kind: "primary" | "secondary"; retryAfter: number }[] = [];
  const Octokit = ProbotOctokit.defaults((o: Record<string, unknown>) => ({
    ...o,
    retry: { enabled: false },
    throttle: {
      ...(o.throttle as object),
      onRateLimit: (retryAfter: number) => {
        seen.push({ kind: "primary", retryAfter });
        return false;
      },
      onSecondaryRateLimit: (retryAfter: number) => {
        seen.push({ kind: "secondary", retryAfter });
        return false;
      },
    },
  }));
  const probot = new Probot({
    appId: app.id,
    privateKey: app.privateKeyPem,
    baseUrl: gh.url,
    log: pino({ level: "silent" }),
    Octokit,
  });
  return { emulator: gh, octokit: await probot.auth(installationId), installationId, seen };
}

async function failure(promise: Promise<unknown>) {
  const error = (await promise.then(
    () => undefined,
    (e: unknown) => e,
  )) as
    | { status: number; response: { headers: Record<string, string>; data: { message: string } } }
    | undefined;
  if (!error) throw new Error("expected the request to fail");
  return { status: error.status, headers: error.response.headers, message: error.response.data.message };
}

const list = (octokit: Awaited<ReturnType<Probot["auth"]>>) =>
  octokit.rest.actions.listSelfHostedRunnersForOrg({ org: "acme" });

describe("primary rate limit", () => {
  it("counts down x-ratelimit-remaining and answers 403 with remaining 0 when spent", async () => {
    const { emulator, octokit, installationId, seen } = await setup({ rateLimits: { primaryPerHour: 3 } });
    const remaining: string[] = [];
    for (let i = 0; i < 3; i++)
      remaining.push(String((await list(octokit)).headers["x-ratelimit-remaining"]));
    expect(remaining).toEqual(["2", "1", "0"]);

    const error = await failure(list(octokit));
    expect(error.status).toBe(403);
    expect(error.message).toBe(`API rate limit exceeded for installation ID ${installationId}.`);
    expect(error.headers).toMatchObject({
      "x-ratelimit-remaining": "0",
      "x-ratelimit-limit": "3",
      "x-ratelimit-resource": "core",
    });
    expect(Number(error.headers["x-ratelimit-reset"]) * 1000).toBeGreaterThan(Date.now() + 3_500_000);
    expect(seen).toHaveLength(1);
    expect(seen[0]?.kind).toBe("primary");
    expect(seen[0]?.retryAfter).toBeGreaterThan(3_500);
    expect(emulator.stats().primaryLimited).toBe(1);
    expect(emulator.stats().byStatus[403]).toBe(1);
  });
});

describe("secondary rate limits", () => {
  it("answers 403 with retry-after once an endpoint's points per minute are spent", async () => {
    // 6 points: room for the installation-token POST (5 points) on its own endpoint.
    const { emulator, octokit, seen } = await setup({ rateLimits: { secondaryPointsPerMinute: 6 } });
    for (let i = 0; i < 6; i++) await list(octokit);
    const error = await failure(list(octokit));
    expect(error.status).toBe(403);
    expect(error.message).toMatch(/^You have exceeded a secondary rate limit/);
    expect(Number(error.headers["retry-after"])).toBeGreaterThanOrEqual(1);
    expect(Number(error.headers["x-ratelimit-remaining"])).toBeGreaterThan(0);
    expect(seen).toEqual([{ kind: "secondary", retryAfter: Number(error.headers["retry-after"]) }]);
    // Points are per endpoint: another endpoint still answers.
    const groups = await octokit.request("GET /orgs/{org}/actions/runner-groups", { org: "acme" });
    expect(groups.status).toBe(200);
    // A write costs 5 points: the second one does not fit in 6.
    await octokit.rest.actions.createRegistrationTokenForOrg({ org: "acme" });
    expect((await failure(octokit.rest.actions.createRegistrationTokenForOrg({ org: "acme" }))).status).toBe(
      403,
    );
    expect(emulator.stats().secondaryLimited).toBe(2);
  });

  it("answers 429 with retry-after beyond the concurrent request limit", async () => {
    const { emulator, octokit, seen } = await setup({ rateLimits: { maxConcurrent: 2 }, latencyMs: 300 });
    const results = await Promise.allSettled([list(octokit), list(octokit), list(octokit)]);
    expect(results.filter((r) => r.status === "fulfilled")).toHaveLength(2);
    const rejected = results.find((r) => r.status === "rejected");
    const error = await failure(
      Promise.reject(rejected?.status === "rejected" ? rejected.reason : undefined),
    );
    expect(error.status).toBe(429);
    expect(error.message).toMatch(/secondary rate limit/);
    expect(error.headers["retry-after"]).toBeDefined();
    expect(seen.map((s) => s.kind)).toEqual(["secondary"]);
    expect(emulator.stats().calls["GET /orgs/{org}/actions/runners"]).toBe(3);
  });
});
