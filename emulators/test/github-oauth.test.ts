import { ProbotOctokit } from "probot";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type GitHubEmulator, type RegisteredApp, startGitHubEmulator } from "../src/github/emulator.js";

/** The OAuth web flow the dashboard uses, then user-token endpoints through ProbotOctokit. */

let gh: GitHubEmulator;
let app: RegisteredApp;
let installationId: number;
const REDIRECT = "http://dashboard.test/auth/callback";

beforeAll(async () => {
  gh = await startGitHubEmulator();
  app = gh.registerApp({ name: "Mayfly", webhookSecret: "s3cret" });
  gh.addOrg("acme");
  gh.addOrg("globex");
  installationId = gh.installApp(app.id, "acme").installationId;
  gh.addUser({ login: "alice", orgs: { acme: "admin" }, teams: ["acme/platform"] });
  gh.addUser({ login: "bob", orgs: { acme: "member" } });
});

afterAll(() => gh.stop());

const authorizeUrl = (extra: Record<string, string> = {}) =>
  `${gh.url}/login/oauth/authorize?${new URLSearchParams({ client_id: app.clientId, redirect_uri: REDIRECT, state: "st-1", ...extra })}`;

async function signIn(login: string): Promise<string> {
  const res = await fetch(authorizeUrl({ login }), { redirect: "manual" });
  expect(res.status).toBe(302);
  const location = new URL(res.headers.get("location") ?? "");
  expect(`${location.origin}${location.pathname}`).toBe(REDIRECT);
  expect(location.searchParams.get("state")).toBe("st-1");
  return location.searchParams.get("code") ?? "";
}

async function exchange(body: Record<string, string>, accept = "application/json") {
  const res = await fetch(`${gh.url}/login/oauth/access_token`, {
    method: "POST",
    headers: { accept, "content-type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams(body),
  });
  expect(res.status).toBe(200);
  return accept.includes("json")
    ? ((await res.json()) as Record<string, string>)
    : Object.fromEntries(new URLSearchParams(await res.text()));
}

const credentials = () => ({ client_id: app.clientId, client_secret: app.clientSecret });

describe("web flow", () => {
  it("shows a plain HTML sign-in page whose forms redirect with a code and the state", async () => {
    const page = await fetch(authorizeUrl());
    expect(page.headers.get("content-type")).toMatch(/^text\/html/);
    const html = await page.text();
    expect(html).toContain("Sign in as alice");
    expect(html).toContain("Sign in as bob");
    expect(html).not.toContain("<script");

    const form = new URLSearchParams({
      client_id: app.clientId,
      redirect_uri: REDIRECT,
      state: "st-2",
      login: "bob",
    });
    const res = await fetch(`${gh.url}/login/oauth/authorize`, {
      method: "POST",
      body: form,
      redirect: "manual",
    });
    expect(res.status).toBe(302);
    const location = new URL(res.headers.get("location") ?? "");
    expect(location.searchParams.get("state")).toBe("st-2");
    expect(location.searchParams.get("code")).toMatch(/^[0-9a-f]{20}$/);
  });

  it("trades a code once for a ghu_ token, as JSON or form-encoded", async () => {
    const code = await signIn("alice");
    const token = await exchange({ ...credentials(), code, redirect_uri: REDIRECT });
    expect(token).toMatchObject({ token_type: "bearer", scope: "", expires_in: 28_800 });
    expect(token.access_token).toMatch(/^ghu_/);
    expect(token.refresh_token).toMatch(/^ghr_/);
    expect(await exchange({ ...credentials(), code })).toMatchObject({ error: "bad_verification_code" });

    const form = await exchange({ ...credentials(), code: await signIn("bob") }, "*/*");
    expect(form.access_token).toMatch(/^ghu_/);
    expect(form.token_type).toBe("bearer");

    const wrongSecret = await exchange({
      client_id: app.clientId,
      client_secret: "nope",
      code: await signIn("bob"),
    });
    expect(wrongSecret.error).toBe("incorrect_client_credentials");
    const otherRedirect = await exchange({
      ...credentials(),
      code: await signIn("bob"),
      redirect_uri: "http://evil.test/",
    });
    expect(otherRedirect.error).toBe("redirect_uri_mismatch");

    const refreshed = await exchange({
      ...credentials(),
      grant_type: "refresh_token",
      refresh_token: token.refresh_token ?? "",
    });
    expect(refreshed.access_token).toMatch(/^ghu_/);
    expect(refreshed.access_token).not.toBe(token.access_token);
  });

  it("answers 404 for an unknown client id", async () => {
    expect((await fetch(authorizeUrl({ client_id: "Iv1.unknown" }))).status).toBe(404);
  });
});

describe("with a user token", () => {
  async function userOctokit(login: string) {
    const { access_token } = await exchange({ ...credentials(), code: await signIn(login) });
    return new ProbotOctokit({
      baseUrl: gh.url,
      auth: { token: access_token },
      retry: { enabled: false },
      throttle: { enabled: false },
    });
  }

  it("reads the user, its org memberships and installations", async () => {
    const alice = await userOctokit("alice");
    expect((await alice.rest.users.getAuthenticated()).data).toMatchObject({ login: "alice", type: "User" });
    const membership = await alice.rest.orgs.getMembershipForAuthenticatedUser({ org: "acme" });
    expect(membership.data).toMatchObject({
      state: "active",
      role: "admin",
      organization: { login: "acme" },
    });
    await expect(alice.rest.orgs.getMembershipForAuthenticatedUser({ org: "globex" })).rejects.toMatchObject({
      status: 404,
    });
    const installations = await alice.rest.apps.listInstallationsForAuthenticatedUser();
    expect(installations.data.installations.map((i) => i.id)).toEqual([installationId]);

    const bob = await userOctokit("bob");
    expect((await bob.rest.orgs.getMembershipForAuthenticatedUser({ org: "acme" })).data.role).toBe("member");
  });

  it("reads team membership", async () => {
    const bob = await userOctokit("bob");
    const alice = await bob.rest.teams.getMembershipForUserInOrg({
      org: "acme",
      team_slug: "platform",
      username: "alice",
    });
    expect(alice.data).toMatchObject({ role: "member", state: "active" });
    await expect(
      bob.rest.teams.getMembershipForUserInOrg({ org: "acme", team_slug: "platform", username: "bob" }),
    ).rejects.toMatchObject({ status: 404 });
  });

  it("refuses an unknown user token with 401 Bad credentials", async () => {
    const stranger = new ProbotOctokit({
      baseUrl: gh.url,
      auth: { token: "ghu_unknown" },
      retry: { enabled: false },
    });
    await expect(stranger.rest.users.getAuthenticated()).rejects.toMatchObject({
      status: 401,
      message: expect.stringMatching(/^Bad credentials/),
    });
  });
});
