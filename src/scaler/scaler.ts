import {
  planAfterLaunch,
  planLaunchFailure,
  planScale,
  type ScaleFacts,
  type ScalePlan,
} from "../domain/plan-scale.js";
import { spotBreaker } from "../domain/spot-breaker.js";
import type { Pool } from "../pool-file.js";
import type { Outcome } from "../queue/consumer.js";
import type { ReceivedMessage } from "../queue/job-queue.js";
import type { ScaleMessage } from "../queue/messages.js";
import { breakerSettingsOf } from "../spot-schema.js";
import { passesForkGate } from "./fork-gate.js";
import type { OnDemandReason } from "./launcher.js";
import type { ScalerDeps } from "./scaler-deps.js";

/**
 * The scaler's I/O for one scale message (DESIGN.md "The flow", step 2): it gathers the facts, asks
 * `planScale` (src/domain/plan-scale.ts) what to do, fetches what the plan asks for and carries out the
 * answer. It keeps no memory of messages: what a decision needs across deliveries is the receive count
 * and what EC2 and GitHub show (ADR 0006), so every replica decides a delivery alike.
 */

/** A plan asks for at most a GitHub status, a spare count and a retried reservation. */
const MAX_STEPS = 6;

export function createScaler(deps: ScalerDeps) {
  const random = deps.random ?? Math.random;
  const pools = new Map(deps.pools.map((p) => [p.name, p]));
  /** When each pool last reported that its jobs wait: reporting only, never part of a decision. */
  const lastDeferral = new Map<string, number>();
  /** Each pool's breaker as this replica last saw it: for the change event only, never a decision. */
  const breakerOpen = new Map<string, boolean>();

  return async function handle(message: ScaleMessage, received: ReceivedMessage): Promise<Outcome> {
    const pool = pools.get(message.pool);
    if (!pool) return { kind: "dead-letter", reason: `pool ${message.pool} is no longer configured` };
    const installation = message.installationId;
    const ref = { installationId: installation, org: message.org };
    try {
      if (!(await passesForkGate(message, pool, received.receiveCount, deps))) return { kind: "ack" };
      const seen = await deps.inventory.observe(pool, message.jobId, ref);
      const facts: ScaleFacts = {
        now: deps.now(),
        jobCreatedAt: message.jobCreatedAt,
        receiveCount: received.receiveCount,
        launches: seen.launches,
        awaitingConfig: seen.awaitingConfig,
        poolAwaitingConfig: seen.poolAwaitingConfig,
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
        ...(pool.warm ? { warm: await deps.inventory.warm(pool, ref) } : {}),
      };
      for (let step = 0; step < MAX_STEPS; step++) {
        const plan = planScale(facts);
        deps.log.debug({ jobId: message.jobId, plan }, "scale plan");
        if (plan.kind === "ask-github") {
          // This process saw the job start (its `in_progress` or `completed` webhook): GitHub would say so.
          if (deps.startedJobs?.started(message.jobId)) {
            facts.job = { status: "in_progress" };
            continue;
          }
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
          const spare = await deps.inventory.spare(pool, ref);
          facts.job = { status: facts.job?.status ?? "queued", spare };
        } else if (plan.kind === "hot") {
          if (!deps.inventory.tryTakeHot(pool, ref)) {
            facts.warm = { hot: 0, stopped: facts.warm?.stopped ?? 0 };
            continue;
          }
          claimed(pool, message, "hot", plan.reason);
          if (plan.afterSeconds === undefined) return { kind: "ack" };
          return { kind: "retry", afterSeconds: plan.afterSeconds, reason: "left to a hot runner; recheck" };
        } else if (plan.kind === "launch" || plan.kind === "claim-stopped") {
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
            if (plan.kind === "claim-stopped") {
              const started = await claim(pool, message, facts);
              if (started) return outcome(pool, message, started);
              facts.warm = { hot: facts.warm?.hot ?? 0, stopped: 0 };
              continue;
            }
            if (pool.warm) claimed(pool, message, "miss", "no warm capacity: a cold launch");
            return outcome(pool, message, await launch(pool, message, received, facts));
          } finally {
            release();
          }
        } else {
          // Asked because a hot runner turned busy, and the job is running: that runner took it.
          if (plan.kind === "ack" && (facts.warm?.busyHot ?? 0) > 0 && facts.job?.status === "in_progress")
            if (received.receiveCount === 1 && facts.launches === 0)
              claimed(pool, message, "hot", "a hot runner took it before its message arrived");
          return outcome(pool, message, plan);
        }
      }
      throw new Error(`no scale plan settled within ${MAX_STEPS} steps`);
    } catch (error) {
      return outcome(pool, message, planLaunchFailure(error as Error, received.receiveCount, random()));
    }
  };

  /**
   * On-demand only for a re-run (run_attempt > 1: it may be the re-run of an interrupted job, and a job
   * that already failed once is worth the premium; ADR 0015) and while the pool's spot breaker is open.
   */
  function onDemandOnly(pool: Pool, message: ScaleMessage): OnDemandReason | undefined {
    if (pool.market === "on-demand") return undefined;
    const breaker = spotBreaker(deps.now(), deps.inventory.interruptions(pool), breakerSettingsOf(pool));
    const open = breaker.state === "open";
    deps.metrics.spotBreakerOpen.set({ pool: pool.name }, open ? 1 : 0);
    if (open !== (breakerOpen.get(pool.name) ?? false)) {
      breakerOpen.set(pool.name, open);
      deps.report("spot.breaker", {
        pool: pool.name,
        reason: open ? "opened" : "closed",
        message: `pool ${pool.name}: spot breaker ${open ? "open" : "closed"} (${breaker.reason})`,
      });
    }
    if (open) return "breaker";
    return message.runAttempt > 1 ? "rerun" : undefined;
  }

  async function launch(pool: Pool, message: ScaleMessage, received: ReceivedMessage, facts: ScaleFacts) {
    const result = await deps.launcher.request(
      pool,
      message,
      received.receiveCount,
      onDemandOnly(pool, message),
    );
    if (!result.ok) return planLaunchFailure(result.error, received.receiveCount, facts.jitter);
    deps.inventory.noteLaunched(pool, {
      instanceId: result.instance.instanceId,
      launch: result.launch,
      jobId: message.jobId,
    });
    return planAfterLaunch({ ...facts, now: deps.now() });
  }

  /** Starts a stopped instance; undefined (the job goes cold) when none could be claimed. */
  async function claim(pool: Pool, message: ScaleMessage, facts: ScaleFacts): Promise<ScalePlan | undefined> {
    if (!deps.claimStopped) return undefined;
    const ref = { installationId: message.installationId, org: message.org };
    const won = await deps.claimStopped(pool, ref, message.jobId).catch((error: Error) => {
      deps.log.warn(
        { err: error, jobId: message.jobId, pool: pool.name },
        "stopped claim failed; going cold",
      );
      return undefined;
    });
    if (!won) return undefined;
    deps.inventory.noteLaunched(pool, {
      instanceId: won.instanceId,
      launch: won.launch,
      jobId: message.jobId,
    });
    claimed(pool, message, "stopped", `started ${won.instanceId}`, won.instanceId);
    return planAfterLaunch({ ...facts, now: deps.now() });
  }

  function claimed(
    pool: Pool,
    message: ScaleMessage,
    result: "hot" | "stopped" | "miss",
    why: string,
    instanceId?: string,
  ): void {
    deps.report("warm.claimed", {
      pool: pool.name,
      result,
      org: message.org,
      repo: message.repo,
      jobId: message.jobId,
      ...(instanceId ? { instanceId } : {}),
      message: `job ${message.jobId}: ${result === "miss" ? why : `warm ${result} (${why})`}`,
    });
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
    deps.report("launch.deferred", {
      pool: pool.name,
      jobId: message.jobId,
      message: `pool ${pool.name} is at its max of ${pool.maxRunners} runners; jobs wait`,
    });
  }

  /** The job will not get a runner from us: said once, where the admin looks (dashboard, metrics, log). */
  function gaveUp(pool: Pool, message: ScaleMessage, reason: string): void {
    deps.report("launch.gave-up", {
      pool: pool.name,
      org: message.org,
      repo: message.repo,
      jobId: message.jobId,
      reason: "launch-limit",
      message: `job ${message.jobId} failed to get a runner: ${reason}`,
    });
  }
}
