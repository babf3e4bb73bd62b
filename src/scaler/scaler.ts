import type { Logger } from "pino";
import { decideRecheck } from "../domain/recheck.js";
import { retryDelaySeconds } from "../domain/retry-delay.js";
import {
  CapacityError,
  LaunchConfigError,
  LaunchTokenReusedError,
  QuotaError,
  ThrottledError,
} from "../errors.js";
import type { EventLog } from "../events/event-log.js";
import type { Jobs } from "../github/jobs.js";
import type { Pool } from "../pool-file.js";
import type { Outcome } from "../queue/consumer.js";
import type { ReceivedMessage } from "../queue/job-queue.js";
import type { ScaleMessage } from "../queue/messages.js";
import type { EnrolmentBudget } from "./enrolment-budget.js";
import type { Inventory } from "./inventory.js";
import type { Launcher } from "./launcher.js";
import type { RecheckBudget } from "./recheck-budget.js";

/**
 * The scaler's decision for one scale message (DESIGN.md "The flow", step 2): respect the pool's max
 * (at the cap: retry later, never drop), launch (batched by the launcher), and keep the message for a
 * recheck so no job waits forever. A message that comes back is checked against GitHub before launching
 * again, which also makes redelivery after a crash cost at most the bounded extra launch.
 */
export interface ScalerDeps {
  pools: readonly Pool[];
  inventory: Inventory;
  launcher: Launcher;
  enrolment: EnrolmentBudget;
  rechecks: RecheckBudget;
  jobs: Jobs;
  events: EventLog;
  log: Logger;
  recheckIntervalSeconds: number;
  checkJobQueued: boolean;
  now?: () => number;
  random?: () => number;
}

const AT_CAP_RETRY = { baseSeconds: 5, capSeconds: 30 };
const THROTTLE_RETRY = { baseSeconds: 2, capSeconds: 60 };
const CAPACITY_RETRY = { baseSeconds: 15, capSeconds: 300 };
const ENROLMENT_RETRY = { baseSeconds: 5, capSeconds: 15 };

export function createScaler(deps: ScalerDeps) {
  const now = deps.now ?? Date.now;
  const random = deps.random ?? Math.random;
  const pools = new Map(deps.pools.map((p) => [p.name, p]));
  const lastDeferral = new Map<string, number>();
  /**
   * What this process did with each message it handled. A message it knows never launched (throttled,
   * at the cap, no capacity) only needs "is the job still queued?" when it returns; one that launched, or
   * that another replica or a crashed process handled, also needs the spare-runner check.
   */
  const history = new Map<string, "launched" | "not-launched">();
  const remember = (id: string, what: "launched" | "not-launched") => {
    history.delete(id);
    history.set(id, what);
    if (history.size > 50_000) history.delete(history.keys().next().value as string);
  };

  const retry = (seconds: number, reason: string): Outcome => ({
    kind: "retry",
    afterSeconds: Math.ceil(seconds),
    reason,
  });
  /**
   * Rechecks come every recheck interval while a job is young, then stretch to a quarter of its age (at
   * most 15 min), so a job waiting hours for an approval costs a few GETs an hour, not one a minute.
   */
  const recheckLater = (message: ScaleMessage, reason: string): Outcome => {
    const waitedSeconds = Math.max(0, (now() - message.jobCreatedAt) / 1000);
    return retry(Math.min(900, Math.max(deps.recheckIntervalSeconds, waitedSeconds / 4)), reason);
  };

  function deferred(pool: Pool, message: ScaleMessage): Outcome {
    // One event per pool per 10 s is enough for the dashboard; the metric counts every one.
    if ((lastDeferral.get(pool.name) ?? 0) + 10_000 < now()) {
      lastDeferral.set(pool.name, now());
      deps.events.record({
        kind: "launch.deferred",
        pool: pool.name,
        jobId: message.jobId,
        message: `pool ${pool.name} is at its max of ${pool.maxRunners} runners; jobs wait`,
      });
    }
    return retry(retryDelaySeconds(1, { ...AT_CAP_RETRY, random }), `pool ${pool.name} at max runners`);
  }

  return async function handle(message: ScaleMessage, received: ReceivedMessage): Promise<Outcome> {
    const pool = pools.get(message.pool);
    if (!pool) return { kind: "dead-letter", reason: `pool ${message.pool} is no longer configured` };
    const known = history.get(received.id) ?? (received.receiveCount === 1 ? "not-launched" : undefined);
    const check = received.receiveCount > 1 && deps.checkJobQueued;
    try {
      // A message that may have launched already is most likely done: ask GitHub before anything else.
      if (check && known !== "not-launched") {
        const outcome = await recheck(message, pool, { mayHaveLaunched: true });
        if (outcome) return outcome;
      }
      const release = await deps.inventory.tryReserve(pool);
      if (!release) return notLaunched(known, received, deferred(pool, message));
      try {
        // A message known never to have launched only needs "is the job still queued?".
        if (check && known === "not-launched") {
          const outcome = await recheck(message, pool, { mayHaveLaunched: false });
          if (outcome) return outcome;
        }
        if (!deps.enrolment.tryTake(message.installationId)) {
          return notLaunched(
            known,
            received,
            retry(retryDelaySeconds(1, { ...ENROLMENT_RETRY, random }), "waiting for enrolment capacity"),
          );
        }
        const result = await deps.launcher.request(pool, message, received.receiveCount);
        if (!result.ok) return notLaunched(known, received, failed(result.error, received.receiveCount));
        remember(received.id, "launched");
        deps.inventory.noteLaunched(pool, [result.instance.instanceId]);
        return deps.checkJobQueued
          ? recheckLater(message, "launched; recheck that the job started")
          : { kind: "ack" };
      } finally {
        release();
      }
    } catch (error) {
      return notLaunched(known, received, failed(error as Error, received.receiveCount));
    }
  };

  /**
   * Asks GitHub about the job; returns the outcome if the message is settled, undefined to launch. A
   * message that may have launched also counts the pool's spare runners (another may be free for it).
   */
  async function recheck(message: ScaleMessage, pool: Pool, options: { mayHaveLaunched: boolean }) {
    if (!deps.rechecks.tryTake(message.installationId)) {
      deps.log.debug({ jobId: message.jobId }, "recheck budget spent; not asking GitHub");
      // May have launched: look again later. Never launched: launch without asking (see RecheckBudget).
      if (!options.mayHaveLaunched) return undefined;
      const wait = Math.max(deps.rechecks.secondsUntilNext(message.installationId), 1);
      const later = recheckLater(message, "recheck budget spent");
      return later.kind === "retry" && later.afterSeconds < wait
        ? retry(wait + random() * wait, "recheck budget spent")
        : later;
    }
    const job = await deps.jobs.get({
      installationId: message.installationId,
      repo: message.repo,
      jobId: message.jobId,
    });
    const ref = { installationId: message.installationId, org: message.org };
    const spare =
      job.status === "queued" && options.mayHaveLaunched ? await deps.inventory.spare(pool, ref) : 0;
    const waitedSeconds = (now() - message.jobCreatedAt) / 1000;
    const decision = decideRecheck({ jobStatus: job.status, spareRunners: spare, waitedSeconds });
    deps.log.debug({ jobId: message.jobId, ...decision }, "recheck");
    if (decision.action === "ack") return { kind: "ack" } as const;
    if (decision.action === "wait") return recheckLater(message, decision.reason);
    return undefined;
  }

  function notLaunched(known: string | undefined, received: ReceivedMessage, outcome: Outcome): Outcome {
    if (known === "not-launched") remember(received.id, "not-launched");
    return outcome;
  }

  function failed(error: Error, attempt: number): Outcome {
    // A reused token is ours to fix, not the admin's: the next delivery derives a new one.
    if (error instanceof LaunchTokenReusedError) {
      return retry(
        retryDelaySeconds(attempt, { ...THROTTLE_RETRY, random }),
        "launch token reused; retrying with a new one",
      );
    }
    if (error instanceof LaunchConfigError)
      return { kind: "dead-letter", reason: `launch configuration error: ${error.message}` };
    if (error instanceof ThrottledError) {
      return retry(
        Math.max(error.retryAfterMs / 1000, retryDelaySeconds(attempt, { ...THROTTLE_RETRY, random })),
        "throttled",
      );
    }
    if (error instanceof CapacityError || error instanceof QuotaError) {
      return retry(
        retryDelaySeconds(attempt, { ...CAPACITY_RETRY, random }),
        `${error.name}: ${error.message}`,
      );
    }
    return retry(
      retryDelaySeconds(attempt, { ...THROTTLE_RETRY, random }),
      `${error.name}: ${error.message}`,
    );
  }
}
export type Scaler = ReturnType<typeof createScaler>;
