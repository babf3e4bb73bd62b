import type { Logger } from "pino";
import { createTokenIssuer } from "../bootstrap/token.js";
import type { Config } from "../config.js";
import type { EventLog } from "../events/event-log.js";
import type { RunnerJobs } from "../events/runner-jobs.js";
import type { MayflyOptions } from "../mayfly.js";
import type { Metrics } from "../metrics.js";
import { type ConsumerOptions, startConsumer } from "../queue/consumer.js";
import { noticeOf } from "../queue/ec2-event.js";
import { type ReapQueueBody, reapQueueBodySchema, scaleMessageSchema } from "../queue/messages.js";
import { TokenBucket } from "../rate/token-bucket.js";
import { createCompletionHandler } from "../reaper/completion.js";
import { createInterruptionHandler } from "../reaper/interruption.js";
import { createRedeliverer } from "../reaper/redeliverer.js";
import { createInterruptedRerun } from "../reaper/rerun-interrupted.js";
import { createSweeper } from "../reaper/sweeper.js";
import { createReport } from "../report/report.js";
import { EnrolmentBudget } from "../scaler/enrolment-budget.js";
import { createInventory } from "../scaler/inventory.js";
import { createLauncher } from "../scaler/launcher.js";
import { RecheckBudget } from "../scaler/recheck-budget.js";
import { createScaler } from "../scaler/scaler.js";
import type { RunnerGroupSync } from "../setup/sync-runner-groups.js";
import { startPeriodicLoop } from "../time/periodic-loop.js";
import { createStoppedClaimer } from "../warm/claim-stopped.js";
import { tapObservation } from "../warm/tap-observation.js";
import { createWarmPass } from "../warm/warm-pass.js";
import type { IntakeFirst } from "../webhooks/intake-first.js";
import type { Adapters } from "./adapters.js";

/**
 * The scaler and reaper roles: queue consumers and periodic loops. `start` runs the roles the config
 * names; `stop` stops receiving and waits for in-flight work.
 */
export function createWorkers(
  config: Config,
  options: MayflyOptions,
  ctx: {
    adapters: Adapters;
    events: EventLog;
    runnerJobs: RunnerJobs;
    metrics: Metrics;
    log: Logger;
    runnerGroupSync: RunnerGroupSync;
    intakeFirst: IntakeFirst;
    now: () => number;
  },
) {
  const { adapters, events, runnerJobs, metrics, now } = ctx;
  const scalerLog = ctx.log.child({ role: "scaler" });
  const reaperLog = ctx.log.child({ role: "reaper" });
  const reaperReport = createReport({ events, metrics, log: reaperLog });
  const scalerReport = createReport({ events, metrics, log: scalerLog });
  const inventory = createInventory({
    fleet: adapters.fleet,
    runners: adapters.runners,
    runnerPrefix: config.runnerPrefix,
    now,
  });
  const launcher = createLauncher({
    fleet: adapters.fleet,
    tokens: createTokenIssuer({ keys: config.bootstrap.keys, issuer: `mayfly:${config.deploymentId}`, now }),
    // Client-side RunInstances pacing with a margin under EC2's 5-refilling-2/s bucket: other callers in
    // the account share it, and network jitter shifts when EC2 counts a call (an exact mirror was
    // measured tripping RequestLimitExceeded).
    // With N replicas each takes 1/N of it (ADR 0013): EC2 counts the account's calls, not the process's.
    requestBucket: new TokenBucket({
      ...replicaBucket(options.runInstancesBucket ?? { capacity: 4, refillPerSecond: 1.5 }, config.replicas),
      now,
    }),
    publicUrl: config.publicUrl,
    deploymentId: config.deploymentId,
    launchTemplatePrefix: config.launchTemplatePrefix,
    batchWindowMs: config.scaler.batchWindowMs,
    metrics,
    report: scalerReport,
    log: scalerLog,
    now,
  });
  const tokens = createTokenIssuer({
    keys: config.bootstrap.keys,
    issuer: `mayfly:${config.deploymentId}`,
    now,
  });
  const scaler = createScaler({
    pools: config.pools,
    inventory,
    launcher,
    enrolment: new EnrolmentBudget({
      writePointsPerMinute: adapters.budgets.jitConfigsPerMinute * 5,
      pools: config.pools,
      now,
    }),
    rechecks: new RecheckBudget({ perHour: adapters.budgets.recheckPerHour, now }),
    jobs: adapters.jobs,
    claimStopped: createStoppedClaimer({
      fleet: adapters.fleet,
      warm: adapters.warmFleet,
      tokens,
      publicUrl: config.publicUrl,
      now,
    }),
    report: scalerReport,
    log: scalerLog,
    recheckIntervalSeconds: config.scaler.recheckIntervalSeconds,
    checkJobQueued: config.scaler.checkJobQueued,
    maxLaunchesPerJob: config.scaler.maxLaunchesPerJob,
    startedJobs: runnerJobs,
    metrics,
    now,
  });
  const completion = createCompletionHandler({
    runners: adapters.runners,
    instances: adapters.instances,
    terminator: adapters.terminator,
    taken: adapters.taken,
    runnerJobs,
    report: reaperReport,
    metrics,
    runnerPrefix: config.runnerPrefix,
    log: reaperLog,
    now,
  });
  // Warm capacity (issue 13) rides on the sweep's observation: one DescribeInstances, one loop.
  const warmPass = createWarmPass({
    fleet: adapters.fleet,
    runners: adapters.runners,
    installations: adapters.installations,
    tokens: createTokenIssuer({ keys: config.bootstrap.keys, issuer: `mayfly:${config.deploymentId}`, now }),
    publicUrl: config.publicUrl,
    deploymentId: config.deploymentId,
    pools: config.pools,
    runnerPrefix: config.runnerPrefix,
    report: createReport({ events, metrics, log: reaperLog.child({ part: "warm" }) }),
    metrics,
    now,
  });
  const sweeper = createSweeper({
    observe: tapObservation(adapters.observe, warmPass, (err) => reaperLog.warn({ err }, "warm pass failed")),
    fleet: adapters.fleet,
    runners: adapters.runners,
    terminator: adapters.terminator,
    pools: config.pools,
    runnerPrefix: config.runnerPrefix,
    runnerJobs,
    report: reaperReport,
    metrics,
    log: reaperLog,
    now,
  });
  const interruption = createInterruptionHandler({
    fleet: adapters.fleet,
    marker: adapters.marker,
    runners: adapters.runners,
    installations: adapters.installations,
    terminator: adapters.terminator,
    report: reaperReport,
    runnerPrefix: config.runnerPrefix,
    log: reaperLog,
  });
  const rerunIfInterrupted = createInterruptedRerun({
    fleet: adapters.fleet,
    rerun: adapters.rerun,
    report: reaperReport,
    runnerPrefix: config.runnerPrefix,
    log: reaperLog,
  });
  /** The reap queue: the app's completion messages and EC2's events from EventBridge (ADR 0015). */
  const reap = async (body: ReapQueueBody) => {
    if (!("kind" in body)) return interruption(noticeOf(body));
    // Before the termination: a failure here retries the message, and completion is safe to repeat.
    await rerunIfInterrupted(body);
    return completion(body);
  };
  const redeliverer = createRedeliverer({
    deliveries: adapters.deliveries,
    report: reaperReport,
    log: reaperLog,
    now,
  });

  const stoppers: Array<() => Promise<void>> = [];
  return {
    sweep: () => sweeper.sweep(),
    redeliver: () => redeliverer.pass(),
    start(): void {
      const roles = new Set(config.roles);
      const consume = <T>(o: Pick<ConsumerOptions<T>, "name" | "queue" | "schema" | "handle" | "log">) => {
        const c = startConsumer({
          ...o,
          // Webhook deliveries first (src/webhooks/intake-first.ts): SQS keeps the message meanwhile.
          handle: async (value, message) => {
            await ctx.intakeFirst.turn();
            return o.handle(value, message);
          },
          concurrency: options.consumer?.concurrency ?? 200,
          visibilitySeconds: options.consumer?.visibilitySeconds ?? 60,
        });
        stoppers.push(() => c.stop());
      };
      if (roles.has("scaler")) {
        const queue = adapters.queues.scale;
        consume({ name: "scaler", queue, schema: scaleMessageSchema, handle: scaler, log: scalerLog });
      }
      if (roles.has("reaper")) {
        const queue = adapters.queues.reap;
        consume({ name: "reaper", queue, schema: reapQueueBodySchema, handle: reap, log: reaperLog });
        sweeper.start(config.reaper.sweepIntervalSeconds);
        redeliverer.start(config.reaper.redeliverIntervalSeconds);
        // Runner groups admit what the pools allow: at start, then every 10 minutes (new repositories).
        const groups = startPeriodicLoop({
          run: () => ctx.runnerGroupSync.run(),
          intervalMs: 10 * 60_000,
          firstDelayMs: 0,
          onError: (err) => reaperLog.warn({ err }, "runner-group sync failed"),
        });
        stoppers.push(
          () => sweeper.stop(),
          () => redeliverer.stop(),
          () => groups.stop(),
        );
      }
    },
    async stop(): Promise<void> {
      await Promise.all(stoppers.splice(0).map((s) => s()));
    },
  };
}

/** A replica's share of an account-wide token bucket: 1/N of the refill and of the burst (at least one). */
function replicaBucket(bucket: { capacity: number; refillPerSecond: number }, replicas: number) {
  return {
    capacity: Math.max(1, bucket.capacity / replicas),
    refillPerSecond: bucket.refillPerSecond / replicas,
  };
}
