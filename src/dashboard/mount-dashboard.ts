import { Hono } from "hono";
import { createMetrics } from "../metrics.js";
import { createReport } from "../report/report.js";
import { createAdminActions } from "./admin-actions.js";
import { mountApiRoutes } from "./api-routes.js";
import { ASSET_VERSION, mountAssetRoutes } from "./asset-routes.js";
import { mountAuthRoutes } from "./auth-routes.js";
import { mountChecklistRoute } from "./checklist-route.js";
import { createDashboardAuth } from "./dashboard-auth.js";
import { createDashboardData } from "./dashboard-data.js";
import { type DashboardDeps, DEFAULT_TIMING } from "./dashboard-deps.js";
import type { DashboardEnv } from "./dashboard-env.js";
import { InstanceLedger } from "./instance-ledger.js";
import { createInterruptedInstances } from "./interrupted-instances.js";
import { createObservationCache } from "./observation-cache.js";
import { dashboardPage } from "./pages.js";
import { QueueTimes } from "./queue-times.js";
import { RunnerHistory } from "./runner-history.js";
import { createSampler } from "./sampler.js";
import { securityHeaders } from "./security-headers.js";
import { mountStreamRoute } from "./stream-route.js";
import { trackJobStarts } from "./track-job-starts.js";

export interface Dashboard {
  /** Starts following job starts (queue times, repos) and sampling runners every sampleIntervalMs. */
  start(): void;
  /** Takes one sample now. */
  sample(): Promise<void>;
  /** Stops sampling and ends open live streams; call before closing the HTTP server. */
  stop(): void;
}

/**
 * Mounts the admin dashboard on the shared Hono app: `/dashboard` pages and sign-in, `/api/v1` JSON and
 * live stream, `/dashboard/assets`. Nothing runs until start(): the sampler feeds the charts and costs.
 */
export function mountDashboard(app: Hono, deps: DashboardDeps): Dashboard {
  const { config, log } = deps;
  const now = deps.now ?? Date.now;
  const timing = { ...DEFAULT_TIMING, ...deps.timing };
  const { cookies, sessions, states, signIn, authenticator } = createDashboardAuth(config, {
    fetch: deps.fetch ?? fetch,
    installations: deps.installations,
    now,
  });

  const cache = createObservationCache({ observe: deps.observe, ttlMs: timing.observeTtlMs, now, log });
  const history = new RunnerHistory(timing.historyMs / timing.sampleIntervalMs);
  const ledger = new InstanceLedger();
  const queueTimes = new QueueTimes();
  const data = createDashboardData({
    cache,
    events: deps.events,
    runnerJobs: deps.runnerJobs,
    history,
    ledger,
    queueTimes,
    pools: config.pools,
    prices: config.prices,
    volumePrices: config.volumePrices,
    runnerPrefix: config.runnerPrefix,
    installations: deps.installations,
    interrupted: createInterruptedInstances({ fleet: deps.fleet, ttlMs: timing.observeTtlMs, now, log }),
    ...(deps.metrics ? { metrics: deps.metrics } : {}),
    sampleIntervalMs: timing.sampleIntervalMs,
    now,
  });
  const actions = createAdminActions({
    fleet: deps.fleet,
    runners: deps.runners,
    installations: deps.installations,
    terminator: deps.terminator,
    report: createReport({ events: deps.events, metrics: deps.metrics ?? createMetrics(), log }),
    runnerPrefix: config.runnerPrefix,
    changed: () => cache.invalidate(),
  });

  const dashboard = new Hono<DashboardEnv>();
  const headers = securityHeaders({ https: cookies.secure });
  for (const path of ["/dashboard", "/dashboard/*", "/api/v1/*"]) dashboard.use(path, headers);
  mountAssetRoutes(dashboard);
  mountAuthRoutes(dashboard, {
    signIn,
    sessions,
    states,
    cookies,
    publicUrl: config.publicUrl,
    assetVersion: ASSET_VERSION,
    log,
  });
  dashboard.get("/dashboard", authenticator.page, (c) =>
    c.html(dashboardPage({ viewer: c.get("viewer"), assetVersion: ASSET_VERSION })),
  );
  dashboard.use("/api/v1/*", authenticator.api);
  mountApiRoutes(dashboard, { data, actions });
  if (deps.checklist) mountChecklistRoute(dashboard, { checklist: deps.checklist, now });
  const streams = mountStreamRoute(dashboard, {
    data,
    events: deps.events,
    tickMs: timing.streamTickMs,
    maxStreams: timing.maxStreams,
    log,
  });
  app.route("/", dashboard);

  const sampler = createSampler({
    cache,
    history,
    ledger,
    queueTimes,
    runnerPrefix: config.runnerPrefix,
    intervalMs: timing.sampleIntervalMs,
    now,
    log,
  });
  let untrack: (() => void) | undefined;
  return {
    start() {
      untrack ??= trackJobStarts({
        events: deps.events,
        runnerJobs: deps.runnerJobs,
        runnerPrefix: config.runnerPrefix,
        ledger,
        queueTimes,
      });
      sampler.start();
    },
    sample: () => sampler.sample(),
    stop() {
      void sampler.stop();
      untrack?.();
      untrack = undefined;
      streams.closeAll();
    },
  };
}
