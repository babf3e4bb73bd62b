import { pino } from "pino";
import { Probot, ProbotOctokit } from "probot";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type GitHubEmulator, startGitHubEmulator } from "../src/github/emulator.js";
import { RunnerClient } from "../src/github/runner-client.js";

/** Org runners, JIT configs and runner groups through Probot's installation Octokit. */

let gh: GitHubEmulator;
let octokit: Awaited<ReturnType<Probot["auth"]>>;

beforeAll(async () => {
  gh = await startGitHubEmulator({ runnerOfflineAfterMs: 60_000 });
  const app = gh.registerApp({ webhookSecret: "s3cret" });
  gh.addRepo({ owner: "acme", name: "api", visibility: "private" });
  const { installationId } = gh.installApp(app.id, "acme");
  const probot = new Probot({
    appId: app.id,
    privateKey: app.privateKeyPem,
    baseUrl: gh.url,
    log: pino({ level: "silent" }),
    // Probot serializes writes to 1/s and retries 409s; neither is under test here.
    Octokit: ProbotOctokit.defaults((o: Record<string, unknown>) => ({
      ...o,
      retry: { enabled: false },
      throttle: { enabled: false },
    })),
  });
  octokit = await probot.auth(installationId);
});

afterAll(() => gh.stop());

const jit = (name: string, labels = ["linux", "mayfly-large"], runner_group_id = 1) =>
  octokit.rest.actions.generateRunnerJitconfigForOrg({ org: "acme", name, runner_group_id, labels });

async function failure(promise: Promise<unknown>): Promise<{ status: number; message: string }> {
  const error = (await promise.then(
    () => undefined,
    (e: unknown) => e,
  )) as { status: number; response: { data: { message: string } } } | undefined;
  if (!error) throw new Error("expected the request to fail");
  return { status: error.status, message: error.response.data.message };
}

describe("generate-jitconfig", () => {
  it("creates an offline ephemeral runner with read-only and custom labels, then 409 for the same name", async () => {
    const { status, data } = await jit("i-0abc");
    expect(status).toBe(201);
    expect(data.runner).toMatchObject({
      name: "i-0abc",
      os: "Linux",
      status: "offline",
      busy: false,
      ephemeral: true,
      runner_group_id: 1,
    });
    expect(data.runner.labels.map((l) => [l.name, l.type])).toEqual([
      ["self-hosted", "read-only"],
      ["Linux", "read-only"],
      ["X64", "read-only"],
      ["mayfly-large", "custom"],
    ]);
    expect(typeof data.encoded_jit_config).toBe("string");

    expect(await failure(jit("i-0abc"))).toEqual({
      status: 409,
      message: "Already exists - A runner with the name i-0abc already exists.",
    });
    expect(gh.stats().jitConfigsPerMinute.reduce((a, b) => a + b, 0)).toBe(1);
  });

  it("answers 422 for invalid bodies and 404 for an unknown runner group", async () => {
    expect(await failure(jit("no-labels", []))).toMatchObject({ status: 422 });
    expect((await failure(jit("no-labels", []))).message).toContain("fewer items than the minimum of 1");
    const tooMany = Array.from({ length: 101 }, (_, i) => `l${i}`);
    expect((await failure(jit("many", tooMany))).status).toBe(422);
    // Deliberately incomplete: the types forbid it, GitHub answers 422.
    const incomplete = { org: "acme", name: "x" } as unknown as Parameters<
      typeof octokit.rest.actions.generateRunnerJitconfigForOrg
    >[0];
    const missing = octokit.rest.actions.generateRunnerJitconfigForOrg(incomplete);
    expect(await failure(missing)).toEqual({
      status: 422,
      message: 'Invalid request.\n\n"runner_group_id" wasn\'t supplied.\n"labels" wasn\'t supplied.',
    });
    expect((await failure(jit("lost", ["x"], 77))).status).toBe(404);
  });

  it("mints registration tokens that expire in an hour", async () => {
    const { status, data } = await octokit.rest.actions.createRegistrationTokenForOrg({ org: "acme" });
    expect(status).toBe(201);
    expect(data.token).toMatch(/^[A-Z0-9]{29}$/);
    expect(Date.parse(data.expires_at) - Date.now()).toBeGreaterThan(3_590_000);
  });
});

describe("runners", () => {
  it("refuses to delete a busy runner (422), then deletes it once idle (204)", async () => {
    const { data } = await jit("i-busy", ["busy-pool"]);
    const client = RunnerClient.forJitConfig(data.encoded_jit_config);
    const session = await client.connect(data.encoded_jit_config);
    const job = gh.enqueueJob({
      org: "acme",
      repo: "api",
      labels: ["self-hosted", "busy-pool"],
      durationMs: 10,
    });
    const poll = await client.poll(session.sessionId, 1_000);
    expect(poll).toMatchObject({ kind: "job", job: { id: job.id } });
    await client.start(session.sessionId, job.id);

    const runnerId = data.runner.id;
    const del = () =>
      octokit.rest.actions.deleteSelfHostedRunnerFromOrg({ org: "acme", runner_id: runnerId });
    expect(await failure(del())).toEqual({
      status: 422,
      message: 'Bad request - Runner "i-busy" is still running a job"',
    });
    const busy = await octokit.rest.actions.getSelfHostedRunnerForOrg({ org: "acme", runner_id: runnerId });
    expect(busy.data).toMatchObject({ status: "online", busy: true });

    // Cancel the job; the runner acknowledges; GitHub removes an ephemeral runner after its job.
    gh.cancelJob(job.id);
    expect(await client.poll(session.sessionId, 0)).toEqual({ kind: "cancel", jobId: job.id });
    await client.complete(session.sessionId, job.id, "cancelled");
    expect(gh.job(job.id)).toMatchObject({ status: "completed", conclusion: "cancelled" });
    expect((await failure(del())).status).toBe(404);

    const { data: idle } = await jit("i-idle");
    expect(
      (await octokit.rest.actions.deleteSelfHostedRunnerFromOrg({ org: "acme", runner_id: idle.runner.id }))
        .status,
    ).toBe(204);
    expect((await failure(del())).status).toBe(404);
    expect(await client.poll(session.sessionId, 0)).toEqual({ kind: "removed" });
  });

  it("paginates more than 100 runners with a Link header that octokit.paginate follows", async () => {
    for (let i = 0; i < 105; i += 15) {
      await Promise.all(
        Array.from({ length: 15 }, (_, k) => jit(`page-${String(i + k).padStart(3, "0")}`, ["pager"])),
      );
    }
    const first = await octokit.rest.actions.listSelfHostedRunnersForOrg({ org: "acme", per_page: 100 });
    expect(first.data.runners).toHaveLength(100);
    expect(first.headers.link).toMatch(/<[^>]+[?&]page=2[^>]*>; rel="next"/);
    const all = await octokit.paginate(octokit.rest.actions.listSelfHostedRunnersForOrg, {
      org: "acme",
      per_page: 100,
    });
    expect(all.length).toBe(first.data.total_count);
    expect(all.filter((r) => r.name.startsWith("page-"))).toHaveLength(105);
    expect(new Set(all.map((r) => r.id)).size).toBe(all.length);

    const byName = await octokit.rest.actions.listSelfHostedRunnersForOrg({ org: "acme", name: "page-042" });
    expect(byName.data.runners.map((r) => r.name)).toEqual(["page-042"]);
    const small = await octokit.rest.actions.listSelfHostedRunnersForOrg({ org: "acme" });
    expect(small.data.runners).toHaveLength(30);
  });
});

describe("runner groups", () => {
  it("lists the Default group (id 1, all, no public repos) and added groups", async () => {
    const selected = gh.addRunnerGroup("acme", {
      name: "trusted",
      visibility: "selected",
      selectedRepositories: ["api"],
    });
    const { data } = await octokit.request("GET /orgs/{org}/actions/runner-groups", { org: "acme" });
    expect(data.total_count).toBe(2);
    expect(data.runner_groups[0]).toMatchObject({
      id: 1,
      name: "Default",
      visibility: "all",
      default: true,
      allows_public_repositories: false,
    });
    expect(data.runner_groups[1]).toMatchObject({
      id: selected.id,
      name: "trusted",
      visibility: "selected",
      default: false,
    });
    const one = await octokit.request("GET /orgs/{org}/actions/runner-groups/{runner_group_id}", {
      org: "acme",
      runner_group_id: selected.id,
    });
    expect(one.data.name).toBe("trusted");
  });
});
