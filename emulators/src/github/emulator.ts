import type { RequestListener } from "node:http";
import { listen } from "../http.js";
import { actionsRoutes } from "./actions-routes.js";
import type { ApiDeps } from "./api-deps.js";
import { createApiHandler } from "./api-handler.js";
import { appRoutes } from "./app-routes.js";
import { deliveryRoutes } from "./delivery-routes.js";
import { Dispatcher } from "./dispatcher.js";
import { EventBus } from "./event-bus.js";
import { Faults } from "./faults.js";
import { InstallationFlow } from "./installation-flow.js";
import { ManifestFlow } from "./manifest-flow.js";
import { OAuthRoutes } from "./oauth-routes.js";
import { RateLimiter } from "./rate-limiter.js";
import { createRequestHandler } from "./request-handler.js";
import { Router } from "./router.js";
import { RunnerBroker } from "./runner-broker.js";
import { runnerGroupRoutes } from "./runner-group-routes.js";
import { runnerGroupWriteRoutes } from "./runner-group-writes.js";
import { runnerRoutes } from "./runner-routes.js";
import { snapshotJob, snapshotRunner } from "./snapshots.js";
import { Stats } from "./stats.js";
import { Timers } from "./timers.js";
import type { GitHubEmulator, GitHubEmulatorOptions } from "./types.js";
import { userRoutes } from "./user-routes.js";
import { WebhookSender } from "./webhook-sender.js";
import { World } from "./world.js";

export type * from "./types.js";

/**
 * Starts the GitHub emulator: REST API (App JWT, installation and user tokens, runners, runner groups,
 * jobs, runs, webhook deliveries, rate limits), OAuth web flow, the App manifest and installation flows, Actions job dispatch with signed
 * `workflow_job` webhooks, and `/_emulator/` control and runner-protocol endpoints.
 */
export async function startGitHubEmulator(options: GitHubEmulatorOptions = {}): Promise<GitHubEmulator> {
  const now = options.now ?? Date.now;
  const timers = new Timers();
  const events = new EventBus();
  const world = new World(now);
  const stats = new Stats(now);
  const faults = new Faults(options.latencyMs ?? 0);
  const limiter = new RateLimiter(
    {
      enabled: options.rateLimits?.enabled ?? true,
      primaryPerHour: options.rateLimits?.primaryPerHour ?? 5_000,
      secondaryPointsPerMinute: options.rateLimits?.secondaryPointsPerMinute ?? 900,
      maxConcurrent: options.rateLimits?.maxConcurrent ?? 100,
      registrationsPer5Minutes: options.rateLimits?.registrationsPer5Minutes ?? 1_500,
    },
    now,
  );
  const webhooks = new WebhookSender({ world, events, now, timeoutMs: options.webhookTimeoutMs ?? 10_000 });
  const oauth = new OAuthRoutes(world, now);

  // The URL is known only once listening, and the dispatcher needs it for payload URLs.
  let handler: RequestListener | undefined;
  const server = await listen((req, res) => (handler ? handler(req, res) : res.writeHead(503).end()), {
    host: options.host,
    port: options.port,
  });
  const broker = new RunnerBroker({
    world,
    events,
    timers,
    now,
    url: server.url,
    offlineAfterMs: options.runnerOfflineAfterMs ?? 30_000,
  });
  const dispatcher = new Dispatcher({
    world,
    events,
    timers,
    webhooks,
    now,
    apiBase: server.url,
    assignTimeoutMs: options.assignTimeoutMs ?? 60_000,
    maxQueueMs: options.maxQueueMs ?? 24 * 3_600_000,
    wakeRunner: (runner) => broker.wake(runner),
    removeRunner: (runner) => broker.remove(runner),
  });
  broker.attach(dispatcher);

  const deps: ApiDeps = { world, dispatcher, broker, webhooks, limiter, stats, now };
  const manifests = new ManifestFlow({ world, webhooks, now });
  const router = new Router().add(
    ...appRoutes(deps),
    ...deliveryRoutes(deps),
    ...runnerRoutes(deps),
    ...runnerGroupRoutes(deps),
    ...runnerGroupWriteRoutes(deps),
    ...actionsRoutes(deps),
    ...userRoutes(deps),
    ...manifests.routes(),
  );
  handler = createRequestHandler({
    api: createApiHandler({ ...deps, router, faults }),
    oauth,
    control: () => emulator,
    broker,
    stats,
    web: [manifests, new InstallationFlow({ world, webhooks, manifests })],
  });

  let stopped = false;
  const emulator: GitHubEmulator = {
    url: server.url,
    registerApp: (app) => world.registerApp(app),
    setWebhookUrl: (appId, url) => {
      world.app(appId).webhookUrl = url;
    },
    addOrg: (login) => {
      world.addOrg(login);
    },
    setOrgPlan: (login, plan) => {
      world.addOrg(login).plan = plan;
    },
    addRepo: (repo) => {
      const r = world.addRepo(repo);
      return { id: r.id, fullName: `${r.org.login}/${r.name}` };
    },
    addUser: (user) => ({ id: world.addUser(user).id }),
    installApp: (appId, org) => ({ installationId: world.installApp(appId, org).id }),
    addRunnerGroup: (org, group) => ({ id: world.addRunnerGroup(org, group).id }),
    enqueueJob: (job) => snapshotJob(dispatcher.enqueue(job)),
    cancelJob: (jobId) => dispatcher.cancel(jobId),
    job: (jobId) => {
      const job = world.jobs.get(jobId);
      return job && snapshotJob(job);
    },
    jobs: () => [...world.jobs.values()].map(snapshotJob),
    runners: (org) => {
      const record = world.org(org);
      return record ? world.runnersOf(record).map(snapshotRunner) : [];
    },
    deliveries: () => webhooks.list().reverse(),
    dropWebhooks: (rule) => webhooks.rules.setDrop(rule),
    duplicateWebhooks: (rule) => webhooks.rules.setDuplicate(rule),
    failNext: (rule) => faults.failNext(rule),
    setLatency: (ms) => {
      faults.latencyMs = ms;
    },
    stats: () => stats.snapshot(limiter),
    onEvent: (listener) => events.on(listener),
    stop: async () => {
      if (stopped) return;
      stopped = true;
      broker.stop();
      dispatcher.stop();
      timers.clearAll();
      await webhooks.stop();
      await server.close();
      events.clear();
    },
  };
  return emulator;
}
