import { createHash } from "node:crypto";
import type { Logger } from "pino";
import type { Fleet, LaunchedInstance } from "../aws/fleet.js";
import { runnerUserData } from "../bootstrap/runner-user-data.js";
import type { TokenIssuer } from "../bootstrap/token.js";
import { jobTags } from "../domain/job-tags.js";
import { type LaunchAttempt, launchAttempts } from "../domain/launch-attempts.js";
import { TAG } from "../domain/tags.js";
import { CapacityError } from "../errors.js";
import type { Metrics } from "../metrics.js";
import type { Pool } from "../pool-file.js";
import type { ScaleMessage } from "../queue/messages.js";
import type { TokenBucket } from "../rate/token-bucket.js";
import type { Report } from "../report/report.js";

/**
 * Launches in batches. EC2's RunInstances request bucket is tiny (5, refilling 2/s) while its instance
 * bucket holds 1,000 (https://docs.aws.amazon.com/ec2/latest/devguide/ec2-api-throttling.html), so jobs
 * for the same pool and org that arrive together share one RunInstances call with MaxCount = n. Requests
 * wait for a token of a local bucket that mirrors EC2's, and the batch grows while they wait: no added
 * latency when idle, few calls under a burst. Each batch has one launch id (tag + bootstrap token) and a
 * ClientToken derived from its jobs, so a retried call never launches twice.
 */

/** `launch` is the batch's `mayfly:launch` id, which the inventory counts per job. */
/** Why a launch goes on on-demand whatever the pool's market (ADR 0015): a re-run, or an open breaker. */
export type OnDemandReason = "rerun" | "breaker";

export type LaunchResult =
  | { ok: true; instance: LaunchedInstance; launch: string }
  | { ok: false; error: Error };

interface Pending {
  message: ScaleMessage;
  /** Which delivery of the message asks (SQS receive count): a relaunch must not reuse a spent token. */
  attempt: number;
  resolve: (result: LaunchResult) => void;
}

export interface LauncherDeps {
  fleet: Pick<Fleet, "launch">;
  tokens: Pick<TokenIssuer, "issue">;
  /** Paces RunInstances calls like EC2's request bucket. */
  requestBucket: TokenBucket;
  publicUrl: string;
  deploymentId: string;
  launchTemplatePrefix?: string;
  batchWindowMs: number;
  maxBatch?: number;
  /** The launch latency, and capacity answers per attempt; launches, failures and fallbacks go through `report`. */
  metrics: Pick<Metrics, "launchLatency" | "launches">;
  report: Report;
  log: Logger;
  now?: () => number;
}

export function createLauncher(deps: LauncherDeps) {
  const now = deps.now ?? Date.now;
  const maxBatch = deps.maxBatch ?? 100;
  const pending = new Map<
    string,
    { pool: Pool; onDemandOnly: OnDemandReason | undefined; items: Pending[]; flushing: boolean }
  >();
  let rotation = 0;

  async function takeRequestToken(): Promise<void> {
    while (!deps.requestBucket.tryTake()) {
      await new Promise((resolve) => setTimeout(resolve, Math.max(5, deps.requestBucket.msUntil())));
    }
  }

  async function flush(key: string): Promise<void> {
    const queue = pending.get(key);
    if (!queue || queue.flushing) return;
    queue.flushing = true;
    try {
      await new Promise((resolve) => setTimeout(resolve, deps.batchWindowMs));
      while (queue.items.length > 0) {
        await takeRequestToken();
        const batch = queue.items.splice(0, maxBatch);
        await launchBatch(queue.pool, batch, queue.onDemandOnly);
      }
    } finally {
      queue.flushing = false;
      if (queue.items.length === 0) pending.delete(key);
      else void flush(key);
    }
  }

  async function launchBatch(
    pool: Pool,
    batch: Pending[],
    onDemandOnly: OnDemandReason | undefined,
  ): Promise<void> {
    const first = batch[0]!.message;
    // Same jobs at the same delivery → same token, so an SDK retry or a crash-redelivered identical batch
    // cannot launch twice; a later delivery (a relaunch after a stolen runner) gets a new token, since
    // EC2 answers IdempotentParameterMismatch to a reused one.
    const jobs = batch.map((p) => `${p.message.jobId}:${p.attempt}`).sort();
    const launchId = createHash("sha256")
      .update(`${pool.name}|${first.org}|${jobs.join(",")}`)
      .digest("hex")
      .slice(0, 32);
    let remaining = batch;
    let lastError: Error | undefined;
    try {
      const userData = await runnerUserData(
        deps,
        pool,
        {
          org: first.org,
          installationId: first.installationId,
        },
        launchId,
      );
      const batchTags = {
        [TAG.managedBy]: deps.deploymentId,
        [TAG.pool]: pool.name,
        [TAG.org]: first.org,
        [TAG.launch]: launchId,
        [TAG.name]: `mayfly-${pool.name}`,
      };
      const sentAt = now();
      for (const p of batch)
        deps.metrics.launchLatency.observe({ pool: pool.name }, (sentAt - p.message.receivedAt) / 1000);
      const attempts = launchAttempts(pool, rotation++, { onDemandOnly: onDemandOnly !== undefined });
      for (const [index, attempt] of attempts.entries()) {
        if (remaining.length === 0) break;
        if (index > 0) await takeRequestToken();
        try {
          const instances = await deps.fleet.launch({
            pool,
            ...attempt,
            count: remaining.length,
            clientToken: `${launchId}-${index}`,
            userData,
            // Tagged with the jobs still waiting, so a job counts only the launches made for it.
            tags: { ...batchTags, ...jobTags(remaining.map((p) => p.message.jobId)) },
            launchTemplate: launchTemplateOf(pool, deps.launchTemplatePrefix),
          });
          for (const [i, instance] of instances.entries())
            remaining[i]?.resolve({ ok: true, instance, launch: launchId });
          deps.report("launch.requested", {
            pool: pool.name,
            org: first.org,
            count: instances.length,
            message: `launched ${instances.length} ${attempt.market} ${attempt.instanceType} in ${attempt.subnetId} for ${remaining.length} job(s) (launch ${launchId.slice(0, 8)})`,
          });
          if (index > 0) reportFallback(pool, attempts[0]!, attempt, instances.length);
          else if (onDemandOnly === "breaker" && pool.market !== "on-demand")
            reportBreakerFallback(pool, attempt, instances.length);
          remaining = remaining.slice(instances.length);
        } catch (error) {
          lastError = error as Error;
          if (!(error instanceof CapacityError)) break;
          deps.metrics.launches.inc({ pool: pool.name, result: "capacity" });
          deps.log.info(
            { pool: pool.name, ...attempt, code: error.code },
            "no capacity; trying the next fallback",
          );
        }
      }
    } catch (error) {
      lastError = error as Error;
    }
    if (remaining.length > 0) {
      const error = lastError ?? new CapacityError("every fallback was tried", "Exhausted");
      // Capacity answers were counted per attempt above (result=capacity); this counts the launches that
      // got no instance at all, by the error that ended them.
      deps.report("launch.failed", {
        pool: pool.name,
        org: first.org,
        reason: error.name,
        count: remaining.length,
        err: error instanceof CapacityError ? undefined : error,
        message: `${remaining.length} launch(es) failed: ${error.message}`,
      });
      for (const p of remaining) p.resolve({ ok: false, error });
    }
  }

  /** A launch that did not land on the first choice: visible on the pool's row and in a metric (issue 14). */
  function reportFallback(pool: Pool, first: LaunchAttempt, landed: LaunchAttempt, count: number): void {
    const change =
      first.market !== landed.market
        ? "market"
        : first.instanceType !== landed.instanceType
          ? "type"
          : "subnet";
    deps.report("launch.fallback", {
      pool: pool.name,
      reason: change,
      count,
      message: `${count} launch(es) fell back from ${first.market} ${first.instanceType} in ${first.subnetId} to ${landed.market} ${landed.instanceType} in ${landed.subnetId}`,
    });
  }

  /** Spot was the pool's first choice, and its open breaker sent the launch to on-demand (issue 14). */
  function reportBreakerFallback(pool: Pool, landed: LaunchAttempt, count: number): void {
    deps.report("launch.fallback", {
      pool: pool.name,
      reason: "breaker",
      count,
      message: `${count} launch(es) went to on-demand ${landed.instanceType} in ${landed.subnetId} instead of spot: the pool's spot breaker is open`,
    });
  }

  return {
    /**
     * Asks for one instance for this job; resolves when its batch has been launched (or failed).
     * `onDemandOnly` jobs (re-runs, an open spot breaker) batch apart from the pool's spot launches.
     */
    request(
      pool: Pool,
      message: ScaleMessage,
      attempt = 1,
      onDemandOnly?: OnDemandReason,
    ): Promise<LaunchResult> {
      const key = `${pool.name}|${message.org}|${message.installationId}|${onDemandOnly ?? "pool"}`;
      return new Promise((resolve) => {
        const queue = pending.get(key) ?? { pool, onDemandOnly, items: [], flushing: false };
        queue.items.push({ message, attempt, resolve });
        pending.set(key, queue);
        void flush(key);
      });
    },
  };
}

/**
 * The pool's own `launchTemplate` when the pool file names one (the stack writes its template there),
 * else `MAYFLY_LAUNCH_TEMPLATE_PREFIX` + pool name, else none (the request carries everything).
 */
export function launchTemplateOf(pool: Pool, prefix: string | undefined): string | undefined {
  return pool.launchTemplate ?? (prefix ? `${prefix}${pool.name}` : undefined);
}
