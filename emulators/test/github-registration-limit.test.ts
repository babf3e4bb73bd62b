import { createPrivateKey } from "node:crypto";
import { type JWTPayload, SignJWT } from "jose";
import { afterEach, describe, expect, it } from "vitest";
import {
  type GitHubEmulator,
  type GitHubEmulatorOptions,
  startGitHubEmulator,
} from "../src/github/emulator.js";
import type { RegisteredApp } from "../src/github/types.js";

/**
 * The org's runner-registration limit (1,500 per 5 minutes, all Apps together) and the secondary limit
 * counted per App identity: a second App on the same org gets a second endpoint budget, but not a second
 * registration budget.
 */

let gh: GitHubEmulator | undefined;
afterEach(() => gh?.stop());

async function setup(rateLimits: GitHubEmulatorOptions["rateLimits"]) {
  gh = await startGitHubEmulator({ rateLimits });
  gh.addOrg("acme");
  const apps = [1, 2].map(() => gh!.registerApp({ webhookSecret: "s3cret" }));
  const tokens: string[] = [];
  for (const app of apps) {
    const { installationId } = gh.installApp(app.id, "acme");
    const res = await fetch(`${gh.url}/app/installations/${installationId}/access_tokens`, {
      method: "POST",
      headers: { authorization: `Bearer ${await appJwt(app)}` },
    });
    tokens.push(((await res.json()) as { token: string }).token);
  }
  return tokens;
}

function appJwt(app: RegisteredApp): Promise<string> {
  const iat = Math.floor(Date.now() / 1000) - 30;
  return new SignJWT({ iss: app.id, iat, exp: iat + 540 } as unknown as JWTPayload)
    .setProtectedHeader({ alg: "RS256", typ: "JWT" })
    .sign(createPrivateKey(app.privateKeyPem));
}

let n = 0;
async function jit(token: string) {
  const res = await fetch(`${gh!.url}/orgs/acme/actions/runners/generate-jitconfig`, {
    method: "POST",
    headers: { authorization: `token ${token}`, "content-type": "application/json" },
    body: JSON.stringify({ name: `runner-${++n}`, runner_group_id: 1, labels: ["self-hosted"] }),
  });
  return {
    status: res.status,
    headers: Object.fromEntries(res.headers),
    message: ((await res.json()) as { message?: string }).message ?? "",
  };
}

describe("org runner-registration limit", () => {
  it("counts every App's registrations against the org and answers 429 with retry-after past the limit", async () => {
    const [first, second] = await setup({ registrationsPer5Minutes: 3 });
    expect((await jit(first!)).status).toBe(201);
    expect((await jit(second!)).status).toBe(201);
    expect((await jit(first!)).status).toBe(201);
    const refused = await jit(second!);
    expect(refused.status).toBe(429);
    expect(refused.message).toMatch(/secondary rate limit/);
    expect(refused.headers["x-ratelimit-resource"]).toBe("actions_runner_registration");
    const retryAfter = Number(refused.headers["retry-after"]);
    expect(retryAfter).toBeGreaterThan(290);
    expect(retryAfter).toBeLessThanOrEqual(300);
    expect(gh!.stats()).toMatchObject({ registrationLimited: 1, secondaryLimited: 0 });
    expect(gh!.runners("acme")).toHaveLength(3);
  });
});

describe("secondary limit per App identity", () => {
  it("gives each App its own points on an endpoint", async () => {
    // 10 points a minute: two writes per App.
    const [first, second] = await setup({ secondaryPointsPerMinute: 10 });
    expect([(await jit(first!)).status, (await jit(first!)).status]).toEqual([201, 201]);
    const limited = await jit(first!);
    expect(limited.status).toBe(403);
    expect(limited.message).toMatch(/secondary rate limit/);
    expect([(await jit(second!)).status, (await jit(second!)).status]).toEqual([201, 201]);
    expect(gh!.stats().secondaryLimited).toBe(1);
  });
});
