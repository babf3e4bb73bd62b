import type { IncomingHttpHeaders } from "node:http";
import { Webhooks } from "@octokit/webhooks";
import { pino } from "pino";
import { Probot, ProbotOctokit } from "probot";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { type GitHubEmulator, type RegisteredApp, startGitHubEmulator } from "../src/github/emulator.js";
import { RunnerClient } from "../src/github/runner-client.js";
import { listen, readBody, type StartedServer } from "../src/http.js";

/** workflow_job deliveries: signatures verified by @octokit/webhooks, failures, redelivery, duplicates. */

const SECRET = "It's a Secret to Everybody";

interface Received {
  headers: IncomingHttpHeaders;
  body: string;
  verified: boolean;
}

let gh: GitHubEmulator;
let app: RegisteredApp;
let receiver: StartedServer;
let received: Received[];
let answer: { status: number; delayMs: number };
let appOctokit: Awaited<ReturnType<Probot["auth"]>>;

beforeAll(async () => {
  const webhooks = new Webhooks({ secret: SECRET });
  receiver = await listen(async (req, res) => {
    const body = (await readBody(req)).toString("utf8");
    const verified = await webhooks.verify(body, String(req.headers["x-hub-signature-256"]));
    received.push({ headers: req.headers, body, verified });
    setTimeout(() => res.writeHead(answer.status).end("ok"), answer.delayMs);
  });
  gh = await startGitHubEmulator({ webhookTimeoutMs: 200 });
  app = gh.registerApp({ webhookSecret: SECRET, webhookUrl: `${receiver.url}/api/github/webhooks` });
  gh.addRepo({ owner: "acme", name: "api", visibility: "internal" });
  gh.installApp(app.id, "acme");
  const probot = new Probot({
    appId: app.id,
    privateKey: app.privateKeyPem,
    baseUrl: gh.url,
    log: pino({ level: "silent" }),
    Octokit: ProbotOctokit.defaults((o: Record<string, unknown>) => ({
      ...o,
      retry: { enabled: false },
      throttle: { enabled: false },
    })),
  });
  appOctokit = await probot.auth();
});

beforeEach(() => {
  received = [];
  answer = { status: 200, delayMs: 0 };
});

afterAll(async () => {
  await gh.stop();
  await receiver.close();
});

async function until<T>(check: () => T | undefined, timeoutMs = 3_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = check();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error("timed out waiting");
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

const enqueue = (labels = ["self-hosted", "hooks"]) =>
  gh.enqueueJob({ org: "acme", repo: "api", labels, durationMs: 5 });

describe("delivery", () => {
  it("posts signed workflow_job events with GitHub's headers through the job's life", async () => {
    const job = enqueue();
    const queued = await until(() => received[0]);
    expect(queued.verified).toBe(true);
    expect(
      await new Webhooks({ secret: "wrong" }).verify(
        queued.body,
        String(queued.headers["x-hub-signature-256"]),
      ),
    ).toBe(false);
    expect(queued.headers).toMatchObject({
      "content-type": "application/json",
      "x-github-event": "workflow_job",
      "x-github-hook-installation-target-type": "integration",
      "x-github-hook-installation-target-id": String(app.id),
    });
    expect(queued.headers["user-agent"]).toMatch(/^GitHub-Hookshot\//);
    expect(queued.headers["x-github-delivery"]).toMatch(/^[0-9a-f-]{36}$/);
    expect(queued.headers["x-hub-signature"]).toMatch(/^sha1=[0-9a-f]{40}$/);
    const payload = JSON.parse(queued.body);
    expect(payload).toMatchObject({
      action: "queued",
      workflow_job: {
        id: job.id,
        run_id: job.runId,
        status: "queued",
        conclusion: null,
        labels: ["self-hosted", "hooks"],
      },
      repository: {
        full_name: "acme/api",
        private: true,
        visibility: "internal",
        fork: false,
        owner: { login: "acme" },
      },
      organization: { login: "acme" },
      installation: { id: expect.any(Number) },
      sender: { login: "octocat" },
    });
    for (const field of ["runner_id", "runner_name", "runner_group_id", "runner_group_name"]) {
      expect(payload.workflow_job[field]).toBeNull();
    }

    const { data } = await appOctokit.request("POST /app/installations/{installation_id}/access_tokens", {
      installation_id: payload.installation.id,
    });
    const runner = await new ProbotOctokit({
      baseUrl: gh.url,
      auth: { token: data.token },
    }).rest.actions.generateRunnerJitconfigForOrg({
      org: "acme",
      name: "hooked",
      runner_group_id: 1,
      labels: ["hooks"],
    });
    const client = new RunnerClient(gh.url);
    const { sessionId } = await client.connect(runner.data.encoded_jit_config);
    await client.poll(sessionId, 1_000);
    await client.start(sessionId, job.id);
    await client.complete(sessionId, job.id, "failure");
    await until(() => (received.length >= 3 ? true : undefined));
    const [inProgress, completed] = received.slice(1).map((r) => JSON.parse(r.body));
    expect(inProgress).toMatchObject({
      action: "in_progress",
      workflow_job: { status: "in_progress", runner_name: "hooked", runner_group_name: "Default" },
    });
    expect(completed).toMatchObject({
      action: "completed",
      workflow_job: { status: "completed", conclusion: "failure", runner_name: "hooked" },
    });
    expect(new Set(received.map((r) => r.headers["x-github-delivery"])).size).toBe(3);
  });

  it("records a non-2xx answer and a slow answer as failed deliveries, without retrying", async () => {
    answer = { status: 500, delayMs: 0 };
    enqueue();
    await until(() => gh.deliveries().find((d) => d.statusCode === 500));
    answer = { status: 200, delayMs: 400 };
    enqueue();
    const slow = await until(() => gh.deliveries().find((d) => d.status === "timed out"));
    expect(slow.statusCode).toBeGreaterThanOrEqual(400);
    expect(gh.deliveries().find((d) => d.statusCode === 500)?.status).toBe("Invalid HTTP Response: 500");
    await new Promise((resolve) => setTimeout(resolve, 250));
    expect(received).toHaveLength(2);
  });
});

describe("faults and redelivery", () => {
  it("lists a dropped delivery with status=failure and redelivers it with the same GUID", async () => {
    gh.dropWebhooks({ count: 1 });
    const job = enqueue();
    const failed = await appOctokit.paginate(appOctokit.rest.apps.listWebhookDeliveries, {
      status: "failure",
      per_page: 100,
    });
    const dropped = failed.find((d) => d.action === "queued" && d.status_code === 502);
    expect(dropped).toMatchObject({ event: "workflow_job", redelivery: false, status: "failed to connect" });
    expect(received).toHaveLength(0);

    const { status } = await appOctokit.request("POST /app/hook/deliveries/{delivery_id}/attempts", {
      delivery_id: dropped!.id,
    });
    expect(status).toBe(202);
    const redelivered = await until(() => received[0]);
    expect(redelivered.headers["x-github-delivery"]).toBe(dropped!.guid);
    expect(redelivered.verified).toBe(true);
    expect(JSON.parse(redelivered.body).workflow_job.id).toBe(job.id);

    const again = await until(() =>
      gh.deliveries().find((d) => d.guid === dropped!.guid && d.redelivery && d.status === "OK"),
    );
    const { data: detail } = await appOctokit.request("GET /app/hook/deliveries/{delivery_id}", {
      delivery_id: again.id,
    });
    expect(detail).toMatchObject({
      guid: dropped!.guid,
      redelivery: true,
      status_code: 200,
      request: { payload: { action: "queued" } },
    });
    const succeeded = await appOctokit.paginate(appOctokit.rest.apps.listWebhookDeliveries, {
      status: "success",
      per_page: 100,
    });
    expect(succeeded.some((d) => d.id === again.id)).toBe(true);
  });

  it("pages deliveries newest first through the Link cursor", async () => {
    const first = await appOctokit.request("GET /app/hook/deliveries", { per_page: 2 });
    expect(first.headers.link).toMatch(/cursor=v1_\d+[^>]*>; rel="next"/);
    const ids = first.data.map((d) => d.id);
    expect(ids).toEqual([...ids].sort((a, b) => Number(b) - Number(a)));
    const all = await appOctokit.paginate(appOctokit.rest.apps.listWebhookDeliveries, { per_page: 2 });
    expect(all).toHaveLength(gh.deliveries().length);
  });

  it("sends a duplicated delivery twice with the same GUID", async () => {
    gh.duplicateWebhooks({ count: 1 });
    enqueue();
    await until(() => (received.length >= 2 ? true : undefined));
    expect(received[0]?.headers["x-github-delivery"]).toBe(received[1]?.headers["x-github-delivery"]);
    expect(received[0]?.body).toBe(received[1]?.body);
  });
});
