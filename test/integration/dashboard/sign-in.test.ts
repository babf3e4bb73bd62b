import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  type GitHubEmulator,
  type RegisteredApp,
  startGitHubEmulator,
} from "../../../emulators/src/github/emulator.js";
import { createHarness, type Harness, PUBLIC_URL, SESSION_KEY, testConfig } from "./harness.js";

/**
 * Sign-in with GitHub against the GitHub emulator's OAuth web flow and user endpoints, over real HTTP.
 * The harness's installations are acme and globex; the emulator installs the App on acme.
 */

let gh: GitHubEmulator;
let ghApp: RegisteredApp;
let h: Harness;
let withTeam: Harness;

beforeAll(async () => {
  gh = await startGitHubEmulator();
  ghApp = gh.registerApp({ name: "Mayfly", webhookSecret: "s3cret-s3cret-s3cret" });
  gh.addOrg("acme");
  gh.addOrg("globex");
  gh.addOrg("initech");
  gh.installApp(ghApp.id, "acme");
  gh.installApp(ghApp.id, "globex");
  gh.addUser({ login: "alice", orgs: { acme: "admin", globex: "member" } });
  gh.addUser({ login: "bob", orgs: { acme: "member" } });
  gh.addUser({ login: "carol", orgs: { acme: "member" }, teams: ["acme/platform"] });
  gh.addUser({ login: "dave", orgs: { initech: "admin" } });
  const github = {
    webUrl: gh.url,
    apiUrl: gh.url,
    clientId: ghApp.clientId,
    clientSecret: ghApp.clientSecret,
  };
  h = createHarness({ config: testConfig({ github }) });
  withTeam = createHarness({
    config: testConfig({
      github,
      dashboard: { sessionKey: SESSION_KEY, token: undefined, team: "acme/platform" },
    }),
  });
});

afterAll(async () => {
  h.close();
  withTeam.close();
  await gh.stop();
});

const cookiesOf = (res: Response) =>
  Object.fromEntries(res.headers.getSetCookie().map((c) => c.split(";")[0]!.split(/=(.*)/s).slice(0, 2)));

/** Starts sign-in on the dashboard, picks `login` on GitHub's page, and follows the callback. */
async function signIn(
  harness: Harness,
  login: string,
  tamper?: (callback: URL, stateCookie: string) => [URL, string],
) {
  const start = await harness.app.request("/dashboard/login");
  expect(start.status).toBe(302);
  const authorize = new URL(start.headers.get("location")!);
  expect(`${authorize.origin}${authorize.pathname}`).toBe(`${gh.url}/login/oauth/authorize`);
  expect(authorize.searchParams.get("client_id")).toBe(ghApp.clientId);
  expect(authorize.searchParams.get("redirect_uri")).toBe(`${PUBLIC_URL}/dashboard/callback`);
  const stateCookie = `mayfly_oauth_state=${cookiesOf(start).mayfly_oauth_state}`;
  expect(start.headers.getSetCookie()[0]).toMatch(
    /; Max-Age=600; Path=\/dashboard\/callback; HttpOnly; SameSite=Lax$/,
  );

  authorize.searchParams.set("login", login);
  const granted = await fetch(authorize, { redirect: "manual" });
  expect(granted.status).toBe(302);
  let callback = new URL(granted.headers.get("location")!);
  expect(callback.searchParams.get("state")).toBe(authorize.searchParams.get("state"));
  let cookie = stateCookie;
  if (tamper) [callback, cookie] = tamper(callback, stateCookie);
  return harness.app.request(`${callback.pathname}${callback.search}`, { headers: { cookie } });
}

describe("sign in with GitHub", () => {
  it("lets an org admin in: session cookie, then the dashboard and the API", async () => {
    const res = await signIn(h, "alice");
    expect(res.status).toBe(302);
    expect(res.headers.get("location")).toBe("/dashboard");
    const setCookie = res.headers.getSetCookie().find((c) => c.startsWith("mayfly_session="))!;
    // Plain-http localhost: no Secure flag (browsers would drop the cookie), everything else strict.
    expect(setCookie).toMatch(/; Max-Age=28800; Path=\/; HttpOnly; SameSite=Lax$/);
    // The GitHub user token is not kept: the session holds only these claims.
    const payload = JSON.parse(
      Buffer.from(cookiesOf(res).mayfly_session!.split(".")[1]!, "base64url").toString(),
    );
    expect(Object.keys(payload).sort()).toEqual(["aud", "csrf", "exp", "iat", "iss", "orgs", "sub"]);
    expect(payload).toMatchObject({ sub: "alice", orgs: ["acme"] });
    expect(payload.exp - payload.iat).toBe(8 * 3600);
    const cookie = `mayfly_session=${cookiesOf(res).mayfly_session}`;
    const page = await h.app.request("/dashboard", { headers: { cookie } });
    expect(page.status).toBe(200);
    // Admin of acme only: a plain member of globex does not see globex.
    expect(await page.text()).toContain(
      'Signed in as <strong>alice</strong> <span class="muted">(acme)</span>',
    );
    expect((await h.app.request("/api/v1/runners", { headers: { cookie } })).status).toBe(200);
  });

  it("refuses a member who is not an admin with 403 and sets no session", async () => {
    const res = await signIn(h, "bob");
    expect(res.status).toBe(403);
    expect(await res.text()).toContain(
      "bob is not an admin of any org where Mayfly is installed (acme, globex)",
    );
    expect(res.headers.getSetCookie().some((c) => c.startsWith("mayfly_session="))).toBe(false);
  });

  it("refuses an admin of an org where the App is not installed", async () => {
    expect((await signIn(h, "dave")).status).toBe(403);
  });

  it("lets in a member of the configured team, who sees all orgs", async () => {
    const res = await signIn(withTeam, "carol");
    expect(res.status).toBe(302);
    const cookie = `mayfly_session=${cookiesOf(res).mayfly_session}`;
    expect(await (await withTeam.app.request("/dashboard", { headers: { cookie } })).text()).toContain(
      "(all orgs)",
    );
    // Without the team configured, carol is a plain member.
    expect((await signIn(h, "carol")).status).toBe(403);
  });

  it("refuses a callback whose state does not match the browser's state cookie", async () => {
    const res = await signIn(h, "alice", (callback, cookie) => {
      callback.searchParams.set("state", "an-attacker-chosen-state-value");
      return [callback, cookie];
    });
    expect(res.status).toBe(403);
    expect(await res.text()).toContain("Sign-in expired");
    expect(res.headers.getSetCookie().some((c) => c.startsWith("mayfly_session="))).toBe(false);
  });

  it("refuses a callback without the state cookie (sign-in started elsewhere)", async () => {
    const res = await signIn(h, "alice", (callback) => [callback, ""]);
    expect(res.status).toBe(403);
  });

  it("refuses a state cookie from another deployment's key", async () => {
    const other = createHarness({
      config: testConfig({
        dashboard: {
          sessionKey: new TextEncoder().encode("z".repeat(40)),
          token: undefined,
          team: undefined,
        },
      }),
    });
    const foreign = await other.app.request("/dashboard/login");
    other.close();
    const foreignState = new URL(foreign.headers.get("location")!).searchParams.get("state")!;
    const res = await signIn(h, "alice", (callback) => {
      callback.searchParams.set("state", foreignState);
      return [callback, `mayfly_oauth_state=${cookiesOf(foreign).mayfly_oauth_state}`];
    });
    expect(res.status).toBe(403);
  });

  it("shows a retry page when the code was already used", async () => {
    const start = await h.app.request("/dashboard/login");
    const authorize = new URL(start.headers.get("location")!);
    authorize.searchParams.set("login", "alice");
    const callback = new URL((await fetch(authorize, { redirect: "manual" })).headers.get("location")!);
    const cookie = `mayfly_oauth_state=${cookiesOf(start).mayfly_oauth_state}`;
    const path = `${callback.pathname}${callback.search}`;
    expect((await h.app.request(path, { headers: { cookie } })).status).toBe(302);
    const again = await h.app.request(path, { headers: { cookie } });
    expect(again.status).toBe(400);
    expect(await again.text()).toContain("The sign-in code has expired or was already used.");
  });

  it("shows a retry page (502) when GitHub cannot be reached, and sets no session", async () => {
    const down = createHarness({
      config: testConfig(),
      deps: { fetch: async () => Promise.reject(new TypeError("fetch failed: ECONNREFUSED")) },
    });
    const start = await down.app.request("/dashboard/login");
    const state = new URL(start.headers.get("location")!).searchParams.get("state")!;
    const res = await down.app.request(`/dashboard/callback?code=abc&state=${state}`, {
      headers: { cookie: `mayfly_oauth_state=${cookiesOf(start).mayfly_oauth_state}` },
    });
    down.close();
    expect(res.status).toBe(502);
    expect(await res.text()).toContain("GitHub did not answer. Please try again.");
    expect(res.headers.getSetCookie().some((c) => c.startsWith("mayfly_session="))).toBe(false);
  });

  it("shows a page when the user declines on GitHub", async () => {
    const res = await h.app.request("/dashboard/callback?error=access_denied&state=x");
    expect(res.status).toBe(403);
    expect(await res.text()).toContain("Sign-in cancelled");
  });

  it("marks cookies Secure (and the session cookie __Host-) and sends HSTS behind https", async () => {
    const github = {
      webUrl: gh.url,
      apiUrl: gh.url,
      clientId: ghApp.clientId,
      clientSecret: ghApp.clientSecret,
    };
    const secure = createHarness({ config: testConfig({ publicUrl: "https://mayfly.example.com", github }) });
    const start = await secure.app.request("/dashboard/login");
    expect(start.headers.getSetCookie()[0]).toMatch(
      /; Path=\/dashboard\/callback; HttpOnly; Secure; SameSite=Lax$/,
    );
    expect(start.headers.get("strict-transport-security")).toBe("max-age=31536000");
    const authorize = new URL(start.headers.get("location")!);
    expect(authorize.searchParams.get("redirect_uri")).toBe("https://mayfly.example.com/dashboard/callback");
    authorize.searchParams.set("login", "alice");
    const callback = new URL((await fetch(authorize, { redirect: "manual" })).headers.get("location")!);
    const res = await secure.app.request(`${callback.pathname}${callback.search}`, {
      headers: { cookie: `mayfly_oauth_state=${cookiesOf(start).mayfly_oauth_state}` },
    });
    expect(res.status).toBe(302);
    const session = res.headers.getSetCookie().find((c) => c.startsWith("__Host-mayfly_session="));
    expect(session).toMatch(/; Path=\/; HttpOnly; Secure; SameSite=Lax$/);
    secure.close();
  });

  it("says sign-in is not configured when the OAuth client is missing", async () => {
    const bare = createHarness({
      config: testConfig({
        github: { webUrl: gh.url, apiUrl: gh.url, clientId: undefined, clientSecret: undefined },
      }),
    });
    expect((await bare.app.request("/dashboard/login")).status).toBe(503);
    bare.close();
  });
});
