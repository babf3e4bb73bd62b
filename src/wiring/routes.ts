import type { Hono } from "hono";
import type { Logger } from "pino";
import { createEnrolment } from "../bootstrap/enrol.js";
import { createIdentityVerifier } from "../bootstrap/identity.js";
import { createRunnerIssuer } from "../bootstrap/issue-runner.js";
import { mountBootstrapRoute } from "../bootstrap/route.js";
import { createTokenVerifier } from "../bootstrap/token.js";
import type { Config } from "../config.js";
import type { DashboardTiming } from "../dashboard/dashboard-deps.js";
import { type Dashboard, mountDashboard } from "../dashboard/mount-dashboard.js";
import type { EventLog } from "../events/event-log.js";
import type { RunnerJobs } from "../events/runner-jobs.js";
import { createAppInfo } from "../github/app-info.js";
import { mountHealthRoutes } from "../http/health.js";
import { mountMetricsRoute } from "../http/metrics-route.js";
import type { Metrics } from "../metrics.js";
import { createReport } from "../report/report.js";
import { checkPoolImages } from "../setup/check-pool-images.js";
import { createChecklist } from "../setup/checklist.js";
import { mountConfiguredSetupRoutes } from "../setup/configured-routes.js";
import type { RunnerGroupSync } from "../setup/sync-runner-groups.js";
import type { IntakeFirst } from "../webhooks/intake-first.js";
import { createKnownInstallations } from "../webhooks/known-installations.js";
import { mountWebhookRoute } from "../webhooks/route.js";
import type { WorkflowJobHandlers } from "../webhooks/workflow-job.js";
import type { Adapters } from "./adapters.js";

/** The HTTP surface of the roles this process runs. */
export function mountRoutes(
  http: Hono,
  ctx: {
    config: Config;
    adapters: Adapters;
    events: EventLog;
    runnerJobs: RunnerJobs;
    metrics: Metrics;
    handlers: WorkflowJobHandlers;
    intakeFirst: IntakeFirst;
    runnerGroupSync: RunnerGroupSync;
    log: Logger;
    now: () => number;
    ready: () => boolean;
    dashboardTiming?: Partial<DashboardTiming>;
  },
): { dashboard?: Dashboard } {
  const { config, adapters, events, metrics, log, now } = ctx;
  const roles = new Set(config.roles);
  mountHealthRoutes(http, { ready: ctx.ready });
  mountMetricsRoute(http, { registry: metrics.registry, token: config.metrics.token });
  if (roles.has("webhooks")) {
    http.use(config.github.webhookPath, async (_c, next) => {
      const leave = ctx.intakeFirst.enter();
      try {
        await next();
      } finally {
        leave();
      }
    });
    mountWebhookRoute(http, {
      path: config.github.webhookPath,
      verify: (body, signature) => adapters.probot.webhooks.verify(body, signature),
      installations: createKnownInstallations({
        directory: adapters.installations,
        lookups: config.github.installationLookups,
        now,
      }),
      handlers: ctx.handlers,
      log: log.child({ role: "webhooks" }),
      metrics,
      now,
    });
  }
  if (roles.has("bootstrap")) {
    const enrol = createEnrolment({
      tokens: createTokenVerifier({
        keys: config.bootstrap.keys,
        issuer: `mayfly:${config.deploymentId}`,
        now,
      }),
      identity: createIdentityVerifier({
        certificatePem: config.aws.identityCertificate,
        region: config.aws.region,
        accountId: config.aws.accountId,
      }),
      instances: adapters.instances,
      issue: createRunnerIssuer({
        runners: adapters.runners,
        tags: adapters.enrolmentTags,
        instances: adapters.instances,
        runnerPrefix: config.runnerPrefix,
        now,
      }),
      pools: config.pools,
      deploymentId: config.deploymentId,
      now,
    });
    const bootstrapLog = log.child({ role: "bootstrap" });
    mountBootstrapRoute(http, {
      // Webhook deliveries first (src/webhooks/intake-first.ts); the wait counts into the request's hold.
      enrol: async (request) => {
        await ctx.intakeFirst.turn(request.signal);
        return enrol(request);
      },
      report: createReport({ events, metrics, log: bootstrapLog }),
      events,
      metrics,
      log: bootstrapLog,
      trustedProxyHops: config.bootstrap.trustedProxyHops,
      now,
    });
  }
  // The checklist: on /setup (the webhooks role) and on the dashboard's setup panel.
  const probot = adapters.probot;
  const appInfo = createAppInfo({
    appOctokit: () => probot.auth() as never,
    auth: (id) => probot.auth(id) as never,
  });
  const { publicUrl, pools } = config;
  const webUrl = config.github.webUrl;
  const checklist = createChecklist({
    appInfo,
    deliveries: adapters.deliveries,
    pools,
    publicUrl,
    webUrl,
    runnerGroups: () => ctx.runnerGroupSync.last(),
    poolImages: () => checkPoolImages({ pools, lookup: adapters.imageLookup, region: config.aws.region }),
    now,
  });
  if (roles.has("webhooks")) {
    const slug = config.github.appSlug;
    const installUrl = slug ? `${webUrl}/apps/${slug}/installations/new` : undefined;
    mountConfiguredSetupRoutes(http, { checklist, installUrl });
  }
  if (!roles.has("dashboard")) return {};
  const dashboard = mountDashboard(http, {
    config,
    observe: adapters.observe,
    events,
    runnerJobs: ctx.runnerJobs,
    runners: adapters.runners,
    fleet: adapters.fleet,
    terminator: adapters.terminator,
    installations: adapters.installations,
    metrics,
    checklist,
    log: log.child({ role: "dashboard" }),
    now,
    timing: ctx.dashboardTiming,
  });
  return { dashboard };
}
