import { createHmac } from "node:crypto";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { ProbotOctokit } from "probot";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type GitHubEmulator, startGitHubEmulator } from "../src/github/emulator.js";

/**
 * The App manifest flow (new-app page → redirect with a code → conversion) and the installation flow
 * that follows, as a browser and an app would drive them, with a clock the test moves.
 */

let gh: GitHubEmulator;
let clock = Date.now();
let hooks: Server;
const received: { event: string; body: unknown; raw: string; signature: string }[] = [];
let hookUrl = "";
const REDIRECT = "http://app.test/setup/callback";
const SETUP = "http://app.test/setup/installed";

beforeAll(async () => {
  gh = await startGitHubEmulator({ now: () => clock });
  gh.addOrg("acme");
  gh.addUser({ login: "alice", orgs: { acme: "admin" } });
  gh.addUser({ login: "bob", orgs: { acme: "member" } });
  hooks = createServer((req, res) => {
    let body = "";
    req.on("data", (c) => (body += c));
    req.on("end", () => {
      received.push({
        event: String(req.headers["x-github-event"]),
        body: JSON.parse(body),
        raw: body,
        signature: String(req.headers["x-hub-signature-256"]),
      });
      res.writeHead(200).end();
    });
  });
  await new Promise<void>((r) => hooks.listen(0, "127.0.0.1", r));
  hookUrl = `http://127.0.0.1:${(hooks.address() as AddressInfo).port}/hook`;
});

afterAll(async () => {
  await gh.stop();
  await new Promise((r) => hooks.close(r));
});

const manifest = (name: string, extra: Record<string, unknown> = {}) =>
  JSON.stringify({
    name,
    url: "https://github.com/mayfly-ci/mayfly",
    hook_attributes: { url: hookUrl },
    redirect_url: REDIRECT,
    setup_url: SETUP,
    default_events: ["workflow_job"],
    default_permissions: { organization_self_hosted_runners: "write", actions: "read" },
    ...extra,
  });

const post = (path: string, form: Record<string, string>) =>
  fetch(`${gh.url}${path}`, {
    method: "POST",
    redirect: "manual",
    headers: { "content-type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams(form),
  });

/** Confirms the new-app page as `user`; returns GitHub's redirect. */
async function create(name: string, user = "alice", state = "st-1"): Promise<URL> {
  const res = await post("/organizations/acme/settings/apps/new", {
    manifest: manifest(name),
    state,
    confirm_as: user,
  });
  expect(res.status).toBe(302);
  return new URL(res.headers.get("location") ?? "");
}

const convert = (code: string) =>
  fetch(`${gh.url}/app-manifests/${code}/conversions`, {
    method: "POST",
    headers: { accept: "application/vnd.github+json" },
  });

describe("the manifest flow", () => {
  it("shows the new-app page for a posted manifest, with the name editable and the org's owners", async () => {
    const res = await post("/organizations/acme/settings/apps/new", {
      manifest: manifest("Page"),
      state: "s",
    });
    expect(res.status).toBe(200);
    const html = await res.text();
    expect(html).toContain("Create GitHub App for acme as alice");
    expect(html).not.toContain("as bob");
    expect(html).toContain('name="app_name" value="Page"');
  });

  it("redirects with a code and the state, and the code converts once into the App's credentials", async () => {
    const location = await create("Mayfly One");
    expect(`${location.origin}${location.pathname}`).toBe(REDIRECT);
    expect(location.searchParams.get("state")).toBe("st-1");
    const code = location.searchParams.get("code") ?? "";
    const res = await convert(code);
    expect(res.status).toBe(201);
    const app = (await res.json()) as Record<string, unknown>;
    expect(app).toMatchObject({
      slug: "mayfly-one",
      name: "Mayfly One",
      owner: { login: "acme", type: "Organization" },
      events: ["workflow_job"],
      permissions: { organization_self_hosted_runners: "write", actions: "read", metadata: "read" },
      html_url: `${gh.url}/apps/mayfly-one`,
    });
    expect(app.pem).toMatch(/^-----BEGIN RSA PRIVATE KEY-----/);
    expect(typeof app.webhook_secret).toBe("string");
    expect(typeof app.client_secret).toBe("string");
    expect(typeof app.client_id).toBe("string");
    // The credentials work: the App authenticates with its key.
    const octokit = new ProbotOctokit({
      baseUrl: gh.url,
      auth: { appId: app.id as number, privateKey: app.pem as string },
    });
    expect((await octokit.request("GET /app")).data?.slug).toBe("mayfly-one");
    // Once only.
    expect((await convert(code)).status).toBe(404);
  });

  it("refuses a code that was never issued and one older than an hour", async () => {
    expect((await convert("0123456789abcdef0123")).status).toBe(404);
    const code = (await create("Mayfly Late")).searchParams.get("code") ?? "";
    clock += 3_600_001;
    expect((await convert(code)).status).toBe(404);
  });

  it("pings the new App's webhook, signed with the secret the conversion hands out", async () => {
    const code = (await create("Mayfly Ping")).searchParams.get("code") ?? "";
    const app = (await (await convert(code)).json()) as { id: number; webhook_secret: string };
    const ping = () => gh.deliveries().find((d) => d.event === "ping" && d.appId === app.id);
    await expect.poll(ping).toBeTruthy();
    const mine = () =>
      received.find(
        (r) => r.event === "ping" && (r.body as { hook: { app_id: number } }).hook.app_id === app.id,
      );
    await expect.poll(mine).toBeTruthy();
    const raw = mine()?.raw ?? "";
    expect(mine()?.signature).toBe(
      `sha256=${createHmac("sha256", app.webhook_secret).update(raw).digest("hex")}`,
    );
    expect(ping()?.payload).toMatchObject({
      hook: { type: "App", app_id: app.id, events: ["workflow_job"] },
    });
  });

  it("refuses a taken name, a member who is not an owner, and a manifest that is not JSON", async () => {
    await create("Mayfly Taken");
    const taken = await post("/organizations/acme/settings/apps/new", {
      manifest: manifest("Mayfly Taken"),
      confirm_as: "alice",
    });
    expect(taken.status).toBe(422);
    expect(await taken.text()).toContain("already taken");
    const member = await post("/organizations/acme/settings/apps/new", {
      manifest: manifest("By Bob"),
      confirm_as: "bob",
    });
    expect(member.status).toBe(403);
    expect((await post("/organizations/acme/settings/apps/new", { manifest: "{" })).status).toBe(422);
    expect((await post("/organizations/nope/settings/apps/new", { manifest: manifest("X") })).status).toBe(
      404,
    );
  });
});

describe("the installation flow", () => {
  it("installs on the owner org, sends `installation`, and redirects to the setup URL", async () => {
    const code = (await create("Mayfly Install")).searchParams.get("code") ?? "";
    const app = (await (await convert(code)).json()) as { id: number; slug: string };
    const page = await fetch(`${gh.url}/apps/${app.slug}/installations/new`);
    expect(await page.text()).toContain("Install on acme");
    const res = await post(`/apps/${app.slug}/installations/new`, { target: "acme" });
    expect(res.status).toBe(302);
    const location = new URL(res.headers.get("location") ?? "");
    expect(`${location.origin}${location.pathname}`).toBe(SETUP);
    expect(location.searchParams.get("setup_action")).toBe("install");
    const installationId = Number(location.searchParams.get("installation_id"));
    expect(installationId).toBeGreaterThan(0);
    await expect.poll(() => received.find((r) => r.event === "installation")).toBeTruthy();
    expect(received.find((r) => r.event === "installation")?.body).toMatchObject({
      action: "created",
      installation: { id: installationId, app_id: app.id, account: { login: "acme" } },
    });
    expect((await post(`/apps/${app.slug}/installations/new`, { target: "globex" })).status).toBe(404);
  });
});
