import { pino } from "pino";
import { Probot, ProbotOctokit } from "probot";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { type EmulatorEvent, type GitHubEmulator, startGitHubEmulator } from "../src/github/emulator.js";
import { RunnerClient, RunnerProtocolError } from "../src/github/runner-client.js";

/** Actions job dispatch: GitHub's label routing, requeue, cancel, through Octokit and the runner protocol. */

let gh: GitHubEmulator;
let octokit: Awaited<ReturnType<Probot["auth"]>>;
let events: EmulatorEvent[] = [];
/** One emulator for the file; each test routes on its own label so tests cannot take each other's jobs. */
let tag = "";
let tests = 0;

const quietProbot = (app: { id: number; privateKeyPem: string }, baseUrl: string) =>
  new Probot({
    appId: app.id,
    privateKey: app.privateKeyPem,
    baseUrl,
    log: pino({ level: "silent" }),
    Octokit: ProbotOctokit.defaults((o: Record<string, unknown>) => ({
      ...o,
      retry: { enabled: false },
      throttle: { enabled: false },
    })),
  });

beforeAll(async () => {
  gh = await startGitHubEmulator({ assignTimeoutMs: 400, runnerOfflineAfterMs: 5_000, maxQueueMs: 60_000 });
  const app = gh.registerApp({ webhookSecret: "s3cret" });
  gh.addRepo({ owner: "acme", name: "api", visibility: "private" });
  gh.addRepo({ owner: "acme", name: "site", visibility: "public" });
  const { installationId } = gh.installApp(app.id, "acme");
  gh.onEvent((e) => events.push(e));
  octokit = await quietProbot(app, gh.url).auth(installationId);
});

beforeEach(() => {
  events = [];
  tag = `pool-${++tests}`;
});

afterAll(() => gh.stop());

async function launch(name: string, labels = ["linux", tag], runner_group_id = 1) {
  const { data } = await octokit.rest.actions.generateRunnerJitconfigForOrg({
    org: "acme",
    name,
    runner_group_id,
    labels,
  });
  const client = new RunnerClient(gh.url);
  return { client, config: data.encoded_jit_config, runnerId: data.runner.id };
}

const queue = (repo = "api", labels = ["self-hosted", "Linux", tag]) =>
  gh.enqueueJob({ org: "acme", repo, labels, durationMs: 20 });

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe("routing", () => {
  it("gives the oldest job to the first runner that connects, not to the runner launched for it", async () => {
    const jobA = queue();
    const jobB = queue();
    const forA = await launch("runner-for-a");
    const forB = await launch("runner-for-b");

    const sessionB = await forB.client.connect(forB.config);
    const takenByB = await forB.client.poll(sessionB.sessionId, 1_000);
    expect(takenByB).toMatchObject({
      kind: "job",
      job: { id: jobA.id, durationMs: 20, conclusion: "success", repo: "api" },
    });

    const sessionA = await forA.client.connect(forA.config);
    expect(await forA.client.poll(sessionA.sessionId, 1_000)).toMatchObject({
      kind: "job",
      job: { id: jobB.id },
    });

    await forB.client.start(sessionB.sessionId, jobA.id);
    const { data: job } = await octokit.rest.actions.getJobForWorkflowRun({
      owner: "acme",
      repo: "api",
      job_id: jobA.id,
    });
    expect(job).toMatchObject({
      id: jobA.id,
      run_id: jobA.runId,
      status: "in_progress",
      conclusion: null,
      runner_id: forB.runnerId,
      runner_name: "runner-for-b",
      runner_group_id: 1,
      runner_group_name: "Default",
      labels: ["self-hosted", "Linux", tag],
      workflow_name: "CI",
    });
    expect(job.id).toBeGreaterThan(2 ** 32);
    expect(job.id).toBeLessThan(Number.MAX_SAFE_INTEGER);

    await forB.client.complete(sessionB.sessionId, jobA.id, "success");
    expect(gh.job(jobA.id)).toMatchObject({
      status: "completed",
      conclusion: "success",
      runnerName: "runner-for-b",
    });
    const names = gh.runners("acme").map((r) => r.name);
    expect(names).toContain("runner-for-a");
    expect(names).not.toContain("runner-for-b");
    expect(await forB.client.poll(sessionB.sessionId, 0)).toEqual({ kind: "removed" });
  });

  it("leaves a job queued when no runner's labels or group admit it", async () => {
    const wrongLabels = queue("api", ["self-hosted", "gpu"]);
    const publicRepo = queue("site");
    const r = await launch("plain");
    const session = await r.client.connect(r.config);
    expect(await r.client.poll(session.sessionId, 50)).toEqual({ kind: "idle" });
    expect(gh.job(wrongLabels.id)?.assignedRunnerId).toBeNull();
    expect(gh.job(publicRepo.id)?.assignedRunnerId).toBeNull();

    const open = gh.addRunnerGroup("acme", {
      name: "public-ok",
      visibility: "all",
      allowsPublicRepositories: true,
    });
    const publicRunner = await launch("public", [tag], open.id);
    const publicSession = await publicRunner.client.connect(publicRunner.config);
    expect(await publicRunner.client.poll(publicSession.sessionId, 1_000)).toMatchObject({
      kind: "job",
      job: { id: publicRepo.id },
    });
  });

  it("requeues a job whose runner does not start it within the assignment timeout", async () => {
    const slow = await launch("slow");
    const slowSession = await slow.client.connect(slow.config);
    const other = await launch("other");
    const otherSession = await other.client.connect(other.config);
    // Both idle: the job goes to the runner idle longest.
    const job = queue();
    expect(await slow.client.poll(slowSession.sessionId, 1_000)).toMatchObject({
      kind: "job",
      job: { id: job.id },
    });
    expect(gh.job(job.id)?.assignedRunnerId).toBe(gh.runners("acme").find((r) => r.name === "slow")?.id);

    const next = await other.client.poll(otherSession.sessionId, 3_000);
    expect(next).toMatchObject({ kind: "job", job: { id: job.id } });
    expect(events.map((e) => e.type)).toContain("job.requeued");
    expect(gh.job(job.id)?.requeues).toBe(1);

    await expect(slow.client.start(slowSession.sessionId, job.id)).rejects.toMatchObject({ status: 409 });
    await other.client.start(otherSession.sessionId, job.id);
    expect(gh.job(job.id)).toMatchObject({ status: "in_progress", runnerName: "other" });
  });
});

describe("cancellation", () => {
  it("completes a cancelled queued job with conclusion cancelled, no runner and no steps", async () => {
    const job = queue();
    gh.cancelJob(job.id);
    const { data } = await octokit.rest.actions.getJobForWorkflowRun({
      owner: "acme",
      repo: "api",
      job_id: job.id,
    });
    expect(data).toMatchObject({
      status: "completed",
      conclusion: "cancelled",
      runner_id: null,
      runner_name: null,
      runner_group_id: null,
      steps: [],
    });
    expect(data.started_at).toBe(data.completed_at);
    const r = await launch("late");
    const session = await r.client.connect(r.config);
    expect(await r.client.poll(session.sessionId, 50)).toEqual({ kind: "idle" });
  });

  it("cancels jobs queued longer than maxQueueMs", async () => {
    const local = await startGitHubEmulator({ maxQueueMs: 50 });
    try {
      local.addRepo({ owner: "acme", name: "api", visibility: "private" });
      const job = local.enqueueJob({ org: "acme", repo: "api", labels: ["x"], durationMs: 1 });
      await sleep(120);
      expect(local.job(job.id)).toMatchObject({
        status: "completed",
        conclusion: "cancelled",
        runnerId: null,
      });
    } finally {
      await local.stop();
    }
  });
});

describe("runner liveness", () => {
  it("marks a runner offline when it stops polling, online when it polls again, and fails a job it abandons", async () => {
    const local = await startGitHubEmulator({ runnerOfflineAfterMs: 200 });
    try {
      const app = local.registerApp({ webhookSecret: "s3cret" });
      local.addRepo({ owner: "acme", name: "api", visibility: "private" });
      const { installationId } = local.installApp(app.id, "acme");
      const localOctokit = await quietProbot(app, local.url).auth(installationId);
      const { data } = await localOctokit.rest.actions.generateRunnerJitconfigForOrg({
        org: "acme",
        name: "flaky",
        runner_group_id: 1,
        labels: ["flaky"],
      });
      const client = new RunnerClient(local.url);
      const { sessionId } = await client.connect(data.encoded_jit_config);
      const status = () => local.runners("acme").find((r) => r.name === "flaky")?.status;
      expect(status()).toBe("online");
      await sleep(400);
      const fromApi = await localOctokit.rest.actions.getSelfHostedRunnerForOrg({
        org: "acme",
        runner_id: data.runner.id,
      });
      expect(fromApi.data.status).toBe("offline");
      await client.poll(sessionId, 0);
      expect(status()).toBe("online");

      const job = local.enqueueJob({ org: "acme", repo: "api", labels: ["flaky"], durationMs: 50 });
      expect(await client.poll(sessionId, 1_000)).toMatchObject({ kind: "job", job: { id: job.id } });
      await client.start(sessionId, job.id);
      // Quiet for longer than its duration plus the offline margin: GitHub fails the job.
      await sleep(700);
      expect(local.job(job.id)).toMatchObject({
        status: "completed",
        conclusion: "failure",
        runnerName: "flaky",
      });
    } finally {
      await local.stop();
    }
  });
});

describe("runs and the runner protocol", () => {
  it("shows the run with its fork head repository", async () => {
    const job = gh.enqueueJob({
      org: "acme",
      repo: "api",
      labels: [tag],
      durationMs: 1,
      fromFork: true,
    });
    const { data } = await octokit.rest.actions.getWorkflowRun({
      owner: "acme",
      repo: "api",
      run_id: job.runId,
    });
    expect(data).toMatchObject({
      id: job.runId,
      event: "pull_request",
      status: "queued",
      repository: { full_name: "acme/api", fork: false },
      head_repository: { fork: true },
    });
  });

  it("connects a JIT config once", async () => {
    const r = await launch("once");
    await r.client.connect(r.config);
    const error = await r.client.connect(r.config).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RunnerProtocolError);
    expect((error as RunnerProtocolError).status).toBe(401);
    expect(gh.runners("acme").find((r) => r.name === "once")).toMatchObject({
      status: "online",
      busy: false,
    });
  });
});
