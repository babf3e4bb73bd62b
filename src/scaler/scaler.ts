import type { Logger } from "pino";
import {
  planAfterLaunch,
  planLaunchFailure,
  planScale,
  type ScaleFacts,
  type ScalePlan,
} from "../domain/plan-scale.js";
import type { EventLog } from "../events/event-log.js";
import type { Jobs } from "../github/jobs.js";
import type { OrgRef } from "../github/runners.js";
import type { Metrics } from "../metrics.js";
import type { Pool } from "../pool-file.js";
import type { Outcome } from "../queue/consumer.js";
import type { ReceivedMessage } from "../queue/job-queue.js";
import type { ScaleMessage } from "../queue/messages.js";
import type { LaunchResult } from "./launcher.js";

/**
 * The scaler's I/O for one scale message (DESIGN.md "The flow", step 2): it gathers the facts, asks
 * `planScale` (src/domain/plan-scale.ts) what to do, fetches what the plan asks for and carries out the
 * answer. It keeps no memory of messages: what a decision needs across deliveries is the receive count
 * and what EC2 and GitHub show (ADR 0006), so every replica decides a delivery alike.
 */

/** What the scaler needs of the inventory (`inventory.ts`). */
export interface ScalerInventory {
  observe(pool: Pool, jobId: number): Promise<{ room: boolean; launches: number; awaitingConfig: number }>;
  tryReserve(pool: Pool): (() => void) | undefined;
  noteLaunched(pool: Pool, launch: { instanceId: string; launch: string; jobId: number }): void;
  spare(pool: Pool, ref: OrgRef): Promise<number>;
}

/** What the scaler needs of the launcher (`launcher.ts`). */
export interface ScalerLauncher {
  request(pool: Pool, message: ScaleMessage, attempt: number): Promise<LaunchResult>;
}

/** A per-installation budget (`enrolment-budget.ts`, `recheck-budget.ts`). */
export interface InstallationBudget {
  available(installationId: number): boolean;
  tryTake(installationId: number): boolean;
  secondsUntilNext(installationId: number): number;
}

export interface ScalerDeps {
  pools: readonly Pool[];
  inventory: ScalerInventory;
  launcher: ScalerLauncher;
  enrolment: Pick<InstallationBudget, "available" | "tryTake">;
  rechecks: InstallationBudget;
  jobs: Pick<Jobs, "get">;
  events: Pick<EventLog, "record">;
  metrics: Pick<Metrics, "jobsWithoutRunner">;
  log: Logger;
  recheckIntervalSeconds: number;
  checkJobQueued: boolean;
  /** Launches per job at most, unless the pool says otherwise. */
  maxLaunchesPerJob: number;
  now: () => number;
  random?: () => number;
}

/** A plan asks for at most a GitHub status, a spare count and a retried reservation. */
const MAX_STEPS = 6;

export function createScaler(deps: ScalerDeps) {
  const random = deps.random ?? Math.random;
  const pools = new Map(deps.pools.map((p) => [p.name, p]));
  /** When each pool last reported that its jobs wait: reporting only, never part of a decision. */
  const lastDeferral = new Map<string, number>();

  return async function handle(message: ScaleMessage, received: ReceivedMessage): Promise<Outcome> {
    const pool = pools.get(message.pool);
    if (!pool) return { kind: "dead-letter", reason: `pool ${message.pool} is no longer configured` };
    const installation = message.installationId;
    try {
      const seen = await deps.inventory.observe(pool, message.jobId);
      const facts: ScaleFacts = {
        now: deps.now(),
        jobCreatedAt: message.jobCreatedAt,
        receiveCount: received.receiveCount,
        launches: seen.launches,
        awaitingConfig: seen.awaitingConfig,
        maxLaunches: pool.maxLaunchesPerJob ?? deps.maxLaunchesPerJob,
        room: seen.room,
        enrolment: deps.enrolment.available(installation),
        rechecks: {
          available: deps.rechecks.available(installation),
          secondsUntilNext: deps.rechecks.secondsUntilNext(installation),
        },
        checkJobQueued: deps.checkJobQueued,
        recheckIntervalSeconds: deps.recheckIntervalSeconds,
        jitter: random(),
      };
      for (let step = 0; step < MAX_STEPS; step++) {
        const plan = planScale(facts);
        deps.log.debug({ jobId: message.jobId, plan }, "scale plan");
        if (plan.kind === "ask-github") {
          if (!deps.rechecks.tryTake(installation)) {
            facts.rechecks = {
              available: false,
              secondsUntilNext: deps.rechecks.secondsUntilNext(installation),
            };
            continue;
          }
          const job = await deps.jobs.get({
            installationId: installation,
            repo: message.repo,
            jobId: message.jobId,
          });
          facts.job = { status: job.status };
        } else if (plan.kind === "count-spare") {
          const spare = await deps.inventory.spare(pool, { installationId: installation, org: message.org });
          facts.job = { status: facts.job?.status ?? "queued", spare };
        } else if (plan.kind === "launch") {
          const release = deps.inventory.tryReserve(pool);
          if (!release) {
            facts.room = false;
            continue;
          }
          try {
            if (!deps.enrolment.tryTake(installation)) {
              facts.enrolment = false;
              continue;
            }
            return outcome(pool, message, await launch(pool, message, received, facts));
          } finally {
            release();
          }
        } else return outcome(pool, message, plan);
      }
      throw new Error(`no scale plan settled within ${MAX_STEPS} steps`);
    } catch (error) {
      return outcome(pool, message, planLaunchFailure(error as Error, received.receiveCount, random()));
    }
  };

  async function launch(pool: Pool, message: ScaleMessage, received: ReceivedMessage, facts: ScaleFacts) {
    const result = await deps.launcher.request(pool, message, received.receiveCount);
    if (!result.ok) return planLaunchFailure(result.error, received.receiveCount, facts.jitter);
    deps.inventory.noteLaunched(pool, {
      instanceId: result.instance.instanceId,
      launch: result.launch,
      jobId: message.jobId,
    });
    return planAfterLaunch({ ...facts, now: deps.now() });
  }

  function outcome(pool: Pool, message: ScaleMessage, plan: ScalePlan): Outcome {
    switch (plan.kind) {
      case "ack":
        return { kind: "ack" };
      case "retry":
        return plan;
      case "at-cap":
        deferred(pool, message);
        return { kind: "retry", afterSeconds: plan.afterSeconds, reason: `pool ${pool.name} at max runners` };
      case "give-up":
        gaveUp(pool, message, plan.reason);
        return { kind: "dead-letter", reason: plan.reason };
      case "dead-letter":
        return plan;
      default:
        throw new Error(`scale plan ${plan.kind} is not an outcome`);
    }
  }

  function deferred(pool: Pool, message: ScaleMessage): void {
    // One event per pool per 10 s is enough for the dashboard.
    if ((lastDeferral.get(pool.name) ?? Number.NEGATIVE_INFINITY) + 10_000 >= deps.now()) return;
    lastDeferral.set(pool.name, deps.now());
    deps.events.record({
      kind: "launch.deferred",
      pool: pool.name,
      jobId: message.jobId,
      message: `pool ${pool.name} is at its max of ${pool.maxRunners} runners; jobs wait`,
    });
  }

  /** The job will not get a runner from us: said once, where the admin looks (dashboard, metrics, log). */
  function gaveUp(pool: Pool, message: ScaleMessage, reason: string): void {
    deps.metrics.jobsWithoutRunner.inc({ pool: pool.name, reason: "launch-limit" });
    deps.events.record({
      kind: "launch.gave-up",
      pool: pool.name,
      org: message.org,
      repo: message.repo,
      jobId: message.jobId,
      reason: "launch-limit",
      message: `job ${message.jobId} failed to get a runner: ${reason}`,
    });
    deps.log.warn({ jobId: message.jobId, pool: pool.name, reason }, "job failed to get a runner");
  }
}
