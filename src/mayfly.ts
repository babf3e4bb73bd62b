import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import type { EC2Client } from "@aws-sdk/client-ec2";
import type { SQSClient } from "@aws-sdk/client-sqs";
import { getRequestListener } from "@hono/node-server";
import { type Logger, pino } from "pino";
import { Probot } from "probot";
import { mayflyApp } from "./app.js";
import { createEc2Fleet } from "./aws/ec2-fleet.js";
import type { Fleet } from "./aws/fleet.js";
import { instrumentEc2 } from "./aws/instrument.js";
import { createEnrolment } from "./bootstrap/enrol.js";
import { createIdentityVerifier } from "./bootstrap/identity.js";
import { createInstanceLookup } from "./bootstrap/instance-lookup.js";
import { mountBootstrapRoute } from "./bootstrap/route.js";
import { createTokenIssuer, createTokenVerifier } from "./bootstrap/token.js";
import type { Config } from "./config.js";
import { EventLog } from "./events/event-log.js";
import { RunnerJobs } from "./events/runner-jobs.js";
import { createDeliveries } from "./github/deliveries.js";
import { createInstallations } from "./github/installations.js";
import { createGitHubJobs } from "./github/jobs.js";
import { createMayflyOctokit } from "./github/octokit.js";
import { createGitHubRunners } from "./github/runners.js";
import { createHttpApp } from "./http/create-http-app.js";
import { mountHealthRoutes } from "./http/health.js";
import { createMetrics } from "./metrics.js";
import { startConsumer } from "./queue/consumer.js";
import type { JobQueue } from "./queue/job-queue.js";
import { createMemoryQueue } from "./queue/memory.js";
import { reapMessageSchema, scaleMessageSchema } from "./queue/messages.js";
import { createSqsQueue } from "./queue/sqs.js";
import { TokenBucket } from "./rate/token-bucket.js";
import { createCompletionHandler } from "./reaper/completion.js";
import { createObserver } from "./reaper/observe.js";
import { createRedeliverer } from "./reaper/redeliverer.js";
import { createSweeper } from "./reaper/sweeper.js";
import { createTerminator } from "./reaper/terminator.js";
import { createInventory } from "./scaler/inventory.js";
import { createLauncher } from "./scaler/launcher.js";
import { createScaler } from "./scaler/scaler.js";
import { mountWebhookRoute } from "./webhooks/route.js";
import { createWorkflowJobHandlers } from "./webhooks/workflow-job.js";

/**
 * The composition root: builds every part from config and injected clients, and starts the roles the
 * config names. Nothing else constructs clients or reads the environment (STYLE.md principle 5).
 */
export interface MayflyOptions {
  ec2: EC2Client;
  sqs?: SQSClient;
  log?: Logger;
  /** For MAYFLY_QUEUE=memory: queues shared with other in-process replicas (tests, demo). */
  memoryQueues?: { scale: JobQueue; reap: JobQueue };
  now?: () => number;
  /**
   * Client-side RunInstances pacing. EC2's request bucket is 5, refilling 2/s; the default keeps a margin
   * under it because other callers in the account share that bucket and network jitter shifts when EC2
   * counts a call (a mirror of the exact bucket was measured tripping RequestLimitExceeded).
   */
  runInstancesBucket?: { capacity: number; refillPerSecond: number };
  consumer?: { concurrency?: number; visibilitySeconds?: number };
}

export interface Mayfly {
  readonly config: Config;
  readonly events: EventLog;
  readonly metrics: ReturnType<typeof createMetrics>;
  readonly fleet: Fleet;
  readonly server: Server;
  readonly probot: Probot;
  sweep(): Promise<unknown>;
  redeliver(): Promise<number>;
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
  const roles = new Set(config.roles);
  let ready = false;

  instrumentEc2(options.ec2, metrics);
  const Octokit = createMayflyOctokit({
    writePointsPerMinute: config.github.writePointsPerMinute,
    log,
    observer: {
      call: (method, status) => metrics.githubCalls.inc({ method, status: String(status) }),
      throttled: (kind) => metrics.githubThrottles.inc({ kind }),
    },
  });
  const probot = new Probot({
    appId: config.github.appId,
    privateKey: config.github.privateKey,
    secret: config.github.webhookSecret,
    baseUrl: config.github.apiUrl,
    Octokit,
    log: log.child({ name: "probot" }),
  });
  const auth = (installationId: number) => probot.auth(installationId) as never;
  const appOctokit = () => probot.auth() as never;
  const runners = createGitHubRunners({ auth, now });
  const jobs = createGitHubJobs({ auth, now });
  const installations = createInstallations({ appOctokit, now });
  const fleet = createEc2Fleet({ client: options.ec2, deploymentId: config.deploymentId });
  const queues = createQueues(config, options);
  const instances = createInstanceLookup({ fleet });
  const terminator = createTerminator({ fleet });

  const handlers = createWorkflowJobHandlers({
    pools: config.pools,
    scaleQueue: queues.scale,
    reapQueue: queues.reap,
    jobs,
    events,
    metrics,
    runnerJobs,
    runnerPrefix: config.runnerPrefix,
    log: log.child({ role: "webhooks" }),
    now,
  });
  await probot.load(mayflyApp(handlers, now));

  const http = createHttpApp(log);
  mountHealthRoutes(http, { ready: () => ready, metrics });
  if (roles.has("webhooks")) {
    mountWebhookRoute(http, {
      path: config.github.webhookPath,
      probot,
      log: log.child({ role: "webhooks" }),
      metrics,
    });
    const issuer = `mayfly:${config.deploymentId}`;
    const enrol = createEnrolment({
      tokens: createTokenVerifier({ keys: config.bootstrap.keys, issuer, now }),
      identity: createIdentityVerifier({
        certificatePem: config.aws.identityCertificate,
        region: config.aws.region,
        accountId: config.aws.accountId,
      }),
      instances,
      runners,
      pools: config.pools,
      deploymentId: config.deploymentId,
      runnerPrefix: config.runnerPrefix,
      now,
    });
    mountBootstrapRoute(http, { enrol, events, metrics, log: log.child({ role: "bootstrap" }), now });
  }
  const server = createServer(getRequestListener(http.fetch));

  const inventory = createInventory({ fleet, runners, runnerPrefix: config.runnerPrefix, now });
  const launcher = createLauncher({
    fleet,
    tokens: createTokenIssuer({ keys: config.bootstrap.keys, issuer: `mayfly:${config.deploymentId}`, now }),
    requestBucket: new TokenBucket({
      ...(options.runInstancesBucket ?? { capacity: 4, refillPerSecond: 1.5 }),
      now,
    }),
    publicUrl: config.publicUrl,
    deploymentId: config.deploymentId,
    launchTemplatePrefix: config.launchTemplatePrefix,
    batchWindowMs: config.scaler.batchWindowMs,
    metrics,
    events,
    log: log.child({ role: "scaler" }),
    now,
  });
  const scaler = createScaler({
    pools: config.pools,
    inventory,
    launcher,
    jobs,
    events,
    log: log.child({ role: "scaler" }),
    recheckIntervalSeconds: config.scaler.recheckIntervalSeconds,
    checkJobQueued: config.scaler.checkJobQueued,
    now,
  });
  const completion = createCompletionHandler({
    runners,
    instances,
    terminator,
    runnerJobs,
    events,
    metrics,
    runnerPrefix: config.runnerPrefix,
    log: log.child({ role: "reaper" }),
    now,
  });
  const observe = createObserver({ fleet, runners, installations, runnerPrefix: config.runnerPrefix, now });
  const sweeper = createSweeper({
    observe,
    runners,
    terminator,
    pools: config.pools,
    runnerPrefix: config.runnerPrefix,
    runnerJobs,
    events,
    metrics,
    log: log.child({ role: "reaper" }),
    now,
  });
  const redeliverer = createRedeliverer({
    deliveries: createDeliveries({ appOctokit, now }),
    events,
    log: log.child({ role: "reaper" }),
    now,
  });

  const stoppers: Array<() => Promise<void>> = [];
  return {
    config,
    events,
    metrics,
    fleet,
    server,
    probot,
    sweep: () => sweeper.sweep(),
    redeliver: () => redeliverer.pass(),
    async start() {
      await new Promise<void>((resolve, reject) => {
        server.once("error", reject);
        server.listen(config.port, config.host, () => resolve());
      });
      const consumer = {
        concurrency: options.consumer?.concurrency ?? 200,
        visibilitySeconds: options.consumer?.visibilitySeconds ?? 60,
      };
      if (roles.has("scaler")) {
        const c = startConsumer({
          name: "scaler",
          queue: queues.scale,
          schema: scaleMessageSchema,
          handle: scaler,
          log: log.child({ role: "scaler" }),
          ...consumer,
        });
        stoppers.push(() => c.stop());
      }
      if (roles.has("reaper")) {
        const c = startConsumer({
          name: "reaper",
          queue: queues.reap,
          schema: reapMessageSchema,
          handle: completion,
          log: log.child({ role: "reaper" }),
          ...consumer,
        });
        stoppers.push(() => c.stop());
        sweeper.start(config.reaper.sweepIntervalSeconds);
        redeliverer.start(config.reaper.redeliverIntervalSeconds);
        stoppers.push(
          () => sweeper.stop(),
          () => redeliverer.stop(),
        );
      }
      ready = true;
      const address = server.address() as AddressInfo;
      const host = address.family === "IPv6" ? `[${address.address}]` : address.address;
      log.info({ roles: [...roles], port: address.port }, "mayfly started");
      return `http://${host}:${address.port}`;
    },
    async stop() {
      ready = false;
      await Promise.all(stoppers.splice(0).map((s) => s()));
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeIdleConnections();
      });
    },
  };
}

function createQueues(config: Config, options: MayflyOptions): { scale: JobQueue; reap: JobQueue } {
  if (config.queue.kind === "memory")
    return options.memoryQueues ?? { scale: createMemoryQueue(), reap: createMemoryQueue() };
  if (!options.sqs) throw new Error("MAYFLY_QUEUE=sqs needs an SQS client");
  const dlq = config.queue.deadLetterQueueUrl;
  return {
    scale: createSqsQueue({
      client: options.sqs,
      queueUrl: config.queue.scaleQueueUrl,
      deadLetterQueueUrl: dlq,
    }),
    reap: createSqsQueue({
      client: options.sqs,
      queueUrl: config.queue.reapQueueUrl,
      deadLetterQueueUrl: dlq,
    }),
  };
}
