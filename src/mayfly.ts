import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import type { EC2Client } from "@aws-sdk/client-ec2";
import type { SQSClient } from "@aws-sdk/client-sqs";
import type { SSMClient } from "@aws-sdk/client-ssm";
import { getRequestListener } from "@hono/node-server";
import { type Logger, pino } from "pino";
import type { Probot } from "probot";
import type { Fleet } from "./aws/fleet.js";
import type { Config } from "./config.js";
import type { DashboardTiming } from "./dashboard/dashboard-deps.js";
import { EventLog } from "./events/event-log.js";
import { RunnerJobs } from "./events/runner-jobs.js";
import { createHttpApp } from "./http/create-http-app.js";
import { createMetrics, type Metrics } from "./metrics.js";
import { poolWarnings } from "./pool-file.js";
import type { JobQueue } from "./queue/job-queue.js";
import { createReport } from "./report/report.js";
import { createRunnerGroupSync, type GroupOutcome } from "./setup/sync-runner-groups.js";
import { createIntakeFirst } from "./webhooks/intake-first.js";
import { createWorkflowJobHandlers } from "./webhooks/workflow-job.js";
import { createAdapters } from "./wiring/adapters.js";
import { mountRoutes } from "./wiring/routes.js";
import { createWorkers } from "./wiring/workers.js";

/**
 * The composition root: builds every part from config and injected clients, and starts the roles the
 * config names. Nothing else constructs clients or reads the environment (STYLE.md principle 5).
 */
export interface MayflyOptions {
  ec2: EC2Client;
  sqs?: SQSClient;
  /** Reads the pools' image parameters for the setup checklist (none: those pools' images show unknown). */
  ssm?: SSMClient;
  log?: Logger;
  /** For MAYFLY_QUEUE=memory: queues shared with other in-process replicas (tests, demo). */
  memoryQueues?: { scale: JobQueue; reap: JobQueue };
  now?: () => number;
  /** Client-side RunInstances pacing (default: capacity 4, refilling 1.5/s, under EC2's 5 and 2/s). */
  runInstancesBucket?: { capacity: number; refillPerSecond: number };
  consumer?: { concurrency?: number; visibilitySeconds?: number };
  dashboardTiming?: Partial<DashboardTiming>;
  /** A server already listening (setup mode's): `start` takes over its requests instead of listening. */
  server?: Server;
}

export interface Mayfly {
  readonly config: Config;
  readonly events: EventLog;
  readonly metrics: Metrics;
  readonly fleet: Fleet;
  readonly server: Server;
  readonly probot: Probot;
  sweep(): Promise<unknown>;
  redeliver(): Promise<number>;
  /** One runner-group sync pass (the reaper role also runs it at start and every 10 minutes). */
  syncRunnerGroups(): Promise<GroupOutcome[]>;
  /** Listens on config.host/port (0 = ephemeral) and starts the configured roles. Returns the base URL. */
  start(): Promise<string>;
  /** Stops receiving, finishes in-flight work, closes the server. */
  stop(): Promise<void>;
}

export async function createMayfly(config: Config, options: MayflyOptions): Promise<Mayfly> {
  const now = options.now ?? Date.now;
  const log = options.log ?? pino({ level: config.logLevel, base: { app: "mayfly" } });
  const metrics = createMetrics({ defaultMetrics: true });
  const events = new EventLog({ now });
  const runnerJobs = new RunnerJobs();
  const adapters = createAdapters(config, options, { metrics, log, now });
  const runnerGroupSync = createRunnerGroupSync({
    pools: config.pools,
    installations: adapters.installations,
    groups: adapters.runnerGroups,
    report: createReport({ events, metrics, log: log.child({ role: "reaper", part: "runner-groups" }) }),
  });
  let ready = false;

  const webhooksLog = log.child({ role: "webhooks" });
  const handlers = createWorkflowJobHandlers({
    pools: config.pools,
    scaleQueue: adapters.queues.scale,
    reapQueue: adapters.queues.reap,
    jobs: adapters.jobs,
    instances: adapters.instances,
    report: createReport({ events, metrics, log: webhooksLog }),
    metrics,
    runnerJobs,
    runnerPrefix: config.runnerPrefix,
    enforceOnRunners: config.enforcePolicyOnRunners,
    log: webhooksLog,
    now,
  });

  // Deliveries first: bootstrap requests and queued messages wait while many are being answered.
  const intakeFirst = createIntakeFirst({});
  const http = createHttpApp(log);
  const { dashboard } = mountRoutes(http, {
    intakeFirst,
    config,
    adapters,
    events,
    runnerJobs,
    metrics,
    log,
    handlers,
    runnerGroupSync,
    now,
    ready: () => ready,
    dashboardTiming: options.dashboardTiming,
  });
  const listener = getRequestListener(http.fetch);
  const server = options.server ?? createServer(listener);
  const workers = createWorkers(config, options, {
    intakeFirst,
    adapters,
    events,
    runnerJobs,
    metrics,
    log,
    runnerGroupSync,
    now,
  });

  return {
    config,
    events,
    metrics,
    fleet: adapters.fleet,
    server,
    probot: adapters.probot,
    sweep: workers.sweep,
    redeliver: workers.redeliver,
    syncRunnerGroups: () => runnerGroupSync.run(),
    async start() {
      if (options.server) {
        server.removeAllListeners("request");
        server.on("request", listener);
      } else {
        await new Promise<void>((resolve, reject) => {
          server.once("error", reject);
          server.listen(config.port, config.host, () => resolve());
        });
      }
      workers.start();
      dashboard?.start();
      ready = true;
      const address = server.address() as AddressInfo;
      log.info({ roles: config.roles, port: address.port }, "mayfly started");
      for (const warning of poolWarnings(config.pools)) log.warn(warning);
      return `http://${address.family === "IPv6" ? `[${address.address}]` : address.address}:${address.port}`;
    },
    async stop() {
      ready = false;
      // Live dashboard streams would hold the server open.
      dashboard?.stop();
      await workers.stop();
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeIdleConnections();
      });
    },
  };
}
