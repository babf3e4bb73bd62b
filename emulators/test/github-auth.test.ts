import { createPrivateKey, generateKeyPairSync } from "node:crypto";
import { type JWTPayload, SignJWT } from "jose";
import { pino } from "pino";
import { Probot, ProbotOctokit } from "probot";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type GitHubEmulator, type RegisteredApp, startGitHubEmulator } from "../src/github/emulator.js";

/** App JWT and installation-token authentication, through Probot and ProbotOctokit. */

let gh: GitHubEmulator;
let app: RegisteredApp;
let acmeInstallation: number;

const Octokit = ProbotOctokit.defaults((options: Record<string, unknown>) => ({
  ...options,
  retry: { enabled: false },
  throttle: { enabled: false },
}));

beforeAll(async () => {
  gh = await startGitHubEmulator();
  app = gh.registerApp({ name: "Mayfly", webhookSecret: "s3cret" });
  gh.addRepo({ owner: "acme", name: "api", visibility: "private" });
  gh.addOrg("other");
  acmeInstallation = gh.installApp(app.id, "acme").installationId;
});

afterAll(() => gh.stop());

function probot(baseUrl = gh.url, appId = app.id): Probot {
  return new Probot({
    appId,
    privateKey: app.privateKeyPem,
    secret: "s3cret",
    baseUrl,
    log: pino({ level: "silent" }),
    Octokit,
  });
}

async function jwt(claims: { iss?: number | string; iat?: number; exp?: number }, pem = app.privateKeyPem) {
  // Octokit sends a numeric `iss`; jose types it as a string.
  return new SignJWT(claims as unknown as JWTPayload)
    .setProtectedHeader({ alg: "RS256", typ: "JWT" })
    .sign(createPrivateKey(pem));
}

async function failure(promise: Promise<unknown>) {
  const error = (await promise.then(
    () => undefined,
    (e: unknown) => e,
  )) as
    | { status: number; response: { data: { message: string; status: string; documentation_url: string } } }
    | undefined;
  if (!error) throw new Error("expected the request to fail");
  return {
    status: error.status,
    message: error.response.data.message,
    statusField: error.response.data.status,
  };
}

describe("App JWT", () => {
  const now = () => Math.floor(Date.now() / 1000);
  const asApp = (token: string) =>
    new Octokit({ baseUrl: gh.url }).request("GET /app", { headers: { authorization: `bearer ${token}` } });

  it("authenticates Probot's own JWT for app-level endpoints", async () => {
    const octokit = await probot().auth();
    const { data } = await octokit.request("GET /app");
    expect(data).toMatchObject({ id: app.id, slug: "mayfly", client_id: app.clientId });
    const installations = await octokit.request("GET /app/installations");
    expect(installations.data.map((i) => i.id)).toEqual([acmeInstallation]);
    const org = await octokit.request("GET /orgs/{org}/installation", { org: "acme" });
    expect(org.data).toMatchObject({ id: acmeInstallation, app_id: app.id, account: { login: "acme" } });
    expect((await failure(octokit.request("GET /orgs/{org}/installation", { org: "other" }))).status).toBe(
      404,
    );
  });

  it("accepts `iss` as a string, and the app's client id", async () => {
    const iat = now() - 30;
    await expect(asApp(await jwt({ iss: String(app.id), iat, exp: iat + 600 }))).resolves.toMatchObject({
      status: 200,
    });
    await expect(asApp(await jwt({ iss: app.clientId, iat, exp: iat + 600 }))).resolves.toMatchObject({
      status: 200,
    });
  });

  it.each([
    [
      "a bad signature",
      async () => {
        const other = generateKeyPairSync("rsa", { modulusLength: 2048 }).privateKey.export({
          type: "pkcs1",
          format: "pem",
        });
        return jwt({ iss: app.id, iat: now() - 30, exp: now() + 500 }, other.toString());
      },
      "A JSON web token could not be decoded",
    ],
    [
      "an expired token",
      () => jwt({ iss: app.id, iat: now() - 700, exp: now() - 100 }),
      "'Expiration time' claim ('exp') must be a numeric value representing the future time at which the assertion expires",
    ],
    [
      "exp more than 10 minutes after iat",
      () => jwt({ iss: app.id, iat: now() - 30, exp: now() + 900 }),
      "'Expiration time' claim ('exp') is too far in the future",
    ],
    [
      "iat in the future",
      () => jwt({ iss: app.id, iat: now() + 300, exp: now() + 500 }),
      "'Issued at' claim ('iat') must be an Integer representing the time that the assertion was issued",
    ],
    [
      "an unknown app",
      () => jwt({ iss: 424242, iat: now() - 30, exp: now() + 500 }),
      "Integration not found",
    ],
    ["garbage", async () => "not.a.jwt", "A JSON web token could not be decoded"],
  ])("refuses %s with 401 and GitHub's message", async (_, make, message) => {
    expect(await failure(asApp(await make()))).toEqual({ status: 401, message, statusField: "401" });
  });

  it("refuses the JWT on installation endpoints and installation tokens on JWT endpoints", async () => {
    const iat = now() - 30;
    const token = await jwt({ iss: app.id, iat, exp: iat + 600 });
    const runners = new Octokit({ baseUrl: gh.url }).request("GET /orgs/{org}/actions/runners", {
      org: "acme",
      headers: { authorization: `bearer ${token}` },
    });
    expect(await failure(runners)).toMatchObject({
      status: 403,
      message: "Resource not accessible by integration",
    });
    const { data } = await (await probot().auth()).request(
      "POST /app/installations/{installation_id}/access_tokens",
      {
        installation_id: acmeInstallation,
      },
    );
    const withToken = new Octokit({ baseUrl: gh.url, auth: { token: data.token } });
    expect(await failure(withToken.request("GET /app/installations"))).toMatchObject({
      status: 401,
      message: "A JSON web token could not be decoded",
    });
  });
});

describe("installation tokens", () => {
  it("mints a ghs_ token valid for an hour with the installation's permissions", async () => {
    const octokit = await probot().auth();
    const { status, data } = await octokit.request(
      "POST /app/installations/{installation_id}/access_tokens",
      {
        installation_id: acmeInstallation,
      },
    );
    expect(status).toBe(201);
    expect(data.token).toMatch(/^ghs_[A-Za-z0-9]{36}$/);
    const ttl = Date.parse(data.expires_at) - Date.now();
    expect(ttl).toBeGreaterThan(3_590_000);
    expect(ttl).toBeLessThanOrEqual(3_600_000);
    expect(data).toMatchObject({
      repository_selection: "all",
      permissions: { organization_self_hosted_runners: "write", actions: "write", metadata: "read" },
    });
    const more = octokit.request("POST /app/installations/{installation_id}/access_tokens", {
      installation_id: acmeInstallation,
      permissions: { administration: "write" },
    });
    expect(await failure(more)).toMatchObject({ status: 422 });
    const unknown = octokit.request("POST /app/installations/{installation_id}/access_tokens", {
      installation_id: 1,
    });
    expect((await failure(unknown)).status).toBe(404);
  });

  it("lets probot.auth(installationId) call org endpoints, also under /api/v3 (GHE style)", async () => {
    for (const baseUrl of [gh.url, `${gh.url}/api/v3`]) {
      const octokit = await probot(baseUrl).auth(acmeInstallation);
      const { data, headers } = await octokit.rest.actions.listSelfHostedRunnersForOrg({ org: "acme" });
      expect(data).toEqual({ total_count: 0, runners: [] });
      expect(headers["x-ratelimit-resource"]).toBe("core");
    }
  });

  it("answers 403 'Resource not accessible by integration' for another org", async () => {
    const octokit = await probot().auth(acmeInstallation);
    const error = await failure(octokit.rest.actions.listSelfHostedRunnersForOrg({ org: "other" }));
    expect(error).toEqual({
      status: 403,
      message: "Resource not accessible by integration",
      statusField: "403",
    });
  });

  it("needs organization_self_hosted_runners: write for writes", async () => {
    const readOnly = gh.registerApp({
      webhookSecret: "x",
      permissions: { organization_self_hosted_runners: "read" },
    });
    const { installationId } = gh.installApp(readOnly.id, "acme");
    const reader = await new Probot({
      appId: readOnly.id,
      privateKey: readOnly.privateKeyPem,
      baseUrl: gh.url,
      log: pino({ level: "silent" }),
      Octokit,
    }).auth(installationId);
    await expect(reader.rest.actions.listSelfHostedRunnersForOrg({ org: "acme" })).resolves.toMatchObject({
      status: 200,
    });
    const write = reader.rest.actions.generateRunnerJitconfigForOrg({
      org: "acme",
      name: "r",
      runner_group_id: 1,
      labels: ["x"],
    });
    expect(await failure(write)).toMatchObject({
      status: 403,
      message: "Resource not accessible by integration",
    });
  });

  it("answers 401 Bad credentials for an unknown token", async () => {
    const octokit = new Octokit({
      baseUrl: gh.url,
      auth: { token: "ghs_unknownunknownunknownunknownunknown" },
    });
    expect(await failure(octokit.rest.actions.listSelfHostedRunnersForOrg({ org: "acme" }))).toEqual({
      status: 401,
      message: "Bad credentials",
      statusField: "401",
    });
  });
});
