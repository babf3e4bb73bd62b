import { pino } from "pino";
import { createNodeMiddleware, Probot, ProbotOctokit } from "probot";
import { afterAll, beforeAll, expect, it } from "vitest";
import { type GitHubEmulator, startGitHubEmulator } from "../src/github/emulator.js";
import { listen, type StartedServer } from "../src/http.js";

/**
 * A real Probot app receiving the emulator's webhooks through its own middleware and calling back with
 * `context.octokit` (installation auth taken from the payload), as Mayfly's webhooks role does.
 */

let gh: GitHubEmulator;
let server: StartedServer;
const seen: { action: string; status: string; apiStatus: string }[] = [];

beforeAll(async () => {
  gh = await startGitHubEmulator();
  const app = gh.registerApp({ webhookSecret: "s3cret" });
  const wrong = gh.registerApp({ webhookSecret: "not-what-probot-expects" });
  gh.addRepo({ owner: "acme", name: "api", visibility: "private" });
  gh.installApp(app.id, "acme");
  gh.installApp(wrong.id, "acme");

  const probot = new Probot({
    appId: app.id,
    privateKey: app.privateKeyPem,
    secret: "s3cret",
    baseUrl: gh.url,
    log: pino({ level: "silent" }),
    Octokit: ProbotOctokit.defaults((o: Record<string, unknown>) => ({ ...o, retry: { enabled: false } })),
  });
  const middleware = await createNodeMiddleware(
    (bot: Probot) => {
      bot.on("workflow_job", async (context) => {
        const { workflow_job: job, repository } = context.payload;
        const { data } = await context.octokit.rest.actions.getJobForWorkflowRun({
          owner: repository.owner.login,
          repo: repository.name,
          job_id: job.id,
        });
        seen.push({ action: context.payload.action, status: job.status, apiStatus: data.status });
      });
    },
    { probot, webhooksPath: "/api/github/webhooks" },
  );
  server = await listen((req, res) => middleware(req, res, () => res.writeHead(404).end()));
  gh.setWebhookUrl(app.id, `${server.url}/api/github/webhooks`);
  gh.setWebhookUrl(wrong.id, `${server.url}/api/github/webhooks`);
});

afterAll(async () => {
  await gh.stop();
  await server.close();
});

it("delivers workflow_job events that Probot verifies, routes and can act on", async () => {
  const job = gh.enqueueJob({ org: "acme", repo: "api", labels: ["self-hosted", "linux"], durationMs: 1 });
  const deadline = Date.now() + 5_000;
  while (gh.deliveries().length < 2 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));

  expect(seen).toEqual([{ action: "queued", status: "queued", apiStatus: "queued" }]);
  const [ok, refused] = [...gh.deliveries()].sort((a, b) => a.statusCode - b.statusCode);
  expect(ok).toMatchObject({ status: "OK", statusCode: 200, event: "workflow_job", action: "queued" });
  // The second app's secret differs from Probot's: Probot's middleware refuses the signature.
  expect(refused).toMatchObject({ status: "Invalid HTTP Response: 400", statusCode: 400 });
  expect(refused?.responseBody).toContain("signature does not match");
  expect(gh.job(job.id)?.status).toBe("queued");
});
