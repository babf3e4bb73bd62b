import type { Logger } from "pino";
import { evaluatePolicy, needsForkCheck } from "../domain/evaluate-policy.js";
import { matchPool } from "../domain/match-pool.js";
import type { EventLog } from "../events/event-log.js";
import type { RunnerJobs } from "../events/runner-jobs.js";
import type { Jobs } from "../github/jobs.js";
import type { Metrics } from "../metrics.js";
import type { Pool } from "../pool-file.js";
import type { JobQueue } from "../queue/job-queue.js";
import { reapEnvelope, scaleEnvelope } from "../queue/messages.js";
import type { WorkflowJobEvent } from "./workflow-job-event.js";

/**
 * Thin handlers for `workflow_job` (DESIGN.md "The flow", step 1): match, decide, enqueue. They resolve
 * only once the message is durably queued, so the webhook is answered 2xx only then; a failure answers
 * 5xx and GitHub records a failed delivery, which the reaper's redelivery brings back.
 */
export interface WorkflowJobDeps {
  pools: readonly Pool[];
  scaleQueue: JobQueue;
  reapQueue: JobQueue;
  jobs: Jobs;
  events: EventLog;
  metrics: Metrics;
  runnerJobs: RunnerJobs;
  runnerPrefix: string;
  log: Logger;
  now?: () => number;
}

export function createWorkflowJobHandlers(deps: WorkflowJobDeps) {
  const now = deps.now ?? Date.now;

  async function queued(event: WorkflowJobEvent): Promise<void> {
    const { workflow_job: job, repository, installation } = event.payload;
    const org = event.payload.organization?.login ?? repository.owner.login;
    const match = matchPool(job.labels, deps.pools);
    if (!match.pool) {
      deps.log.debug({ jobId: job.id, labels: job.labels }, `ignored: ${match.reason}`);
      deps.metrics.webhooks.inc({ action: "queued", result: "ignored" });
      return;
    }
    const pool = match.pool;
    const visibility = repository.visibility ?? (repository.private ? "private" : "public");
    const input = { org, repository: { fullName: repository.full_name, visibility } } as const;
    if (!installation) {
      deps.log.warn(
        { jobId: job.id },
        "queued job without an installation: is the App installed on the org?",
      );
      deps.metrics.webhooks.inc({ action: "queued", result: "no-installation" });
      return;
    }
    const forkRun = needsForkCheck(input, pool)
      ? await deps.jobs.isForkRun({
          installationId: installation.id,
          repo: repository.full_name,
          runId: job.run_id,
        })
      : undefined;
    const decision = evaluatePolicy({ ...input, forkRun }, pool);
    const where = { pool: pool.name, org, repo: repository.full_name, jobId: job.id };
    if (!decision.allow) {
      deps.metrics.policyDecisions.inc({ decision: "deny", reason: decision.code });
      deps.metrics.webhooks.inc({ action: "queued", result: "denied" });
      deps.events.record({
        kind: "policy.denied",
        message: decision.reason,
        reason: decision.code,
        ...where,
      });
      deps.log.info({ ...where, reason: decision.code }, `denied: ${decision.reason}`);
      return;
    }
    deps.metrics.policyDecisions.inc({ decision: "allow", reason: "allowed" });
    await deps.scaleQueue.send([
      scaleEnvelope({
        kind: "scale",
        jobId: job.id,
        runId: job.run_id,
        runAttempt: job.run_attempt ?? 1,
        org,
        repo: repository.full_name,
        installationId: installation.id,
        pool: pool.name,
        labels: job.labels,
        jobCreatedAt: Date.parse(job.created_at) || now(),
        receivedAt: event.receivedAt,
        deliveryId: event.id,
      }),
    ]);
    deps.metrics.jobsQueued.inc({ pool: pool.name });
    deps.metrics.webhooks.inc({ action: "queued", result: "queued" });
    deps.events.record({ kind: "job.queued", message: `${match.reason}; ${decision.reason}`, ...where });
  }

  function inProgress(event: WorkflowJobEvent): void {
    const { workflow_job: job, repository } = event.payload;
    const runnerName = job.runner_name ?? "";
    deps.metrics.webhooks.inc({
      action: "in_progress",
      result: runnerName.startsWith(deps.runnerPrefix) ? "ours" : "other",
    });
    if (!runnerName.startsWith(deps.runnerPrefix)) return;
    const startedAt = Date.parse(job.started_at) || now();
    const created = Date.parse(job.created_at);
    const queueSeconds = Number.isNaN(created) ? undefined : Math.max(0, (startedAt - created) / 1000);
    const pool = matchPool(job.labels, deps.pools).pool?.name ?? "unknown";
    if (queueSeconds !== undefined) deps.metrics.queueTime.observe({ pool }, queueSeconds);
    const org = event.payload.organization?.login ?? repository.owner.login;
    deps.runnerJobs.record({
      runnerName,
      jobId: job.id,
      org,
      repo: repository.full_name,
      workflowName: job.workflow_name ?? undefined,
      jobName: job.name,
      htmlUrl: job.html_url ?? undefined,
      startedAt,
      queueSeconds,
    });
    deps.events.record({
      kind: "job.started",
      message: `${runnerName} started job ${job.id}`,
      pool,
      org,
      repo: repository.full_name,
      jobId: job.id,
      runnerName,
    });
  }

  async function completed(event: WorkflowJobEvent): Promise<void> {
    const { workflow_job: job, repository, installation } = event.payload;
    const runnerName = job.runner_name ?? "";
    const org = event.payload.organization?.login ?? repository.owner.login;
    if (!runnerName) {
      // Cancelled (or skipped) before any runner took it: runner fields are null or 0. Any runner
      // launched for it takes another job or leaves at the idle timeout (runners are not bound to jobs).
      deps.metrics.webhooks.inc({ action: "completed", result: "no-runner" });
      if (job.labels.length === 0 || !matchPool(job.labels, deps.pools).pool) return;
      deps.events.record({
        kind: "job.completed",
        message: `job ${job.id} ${job.conclusion ?? "ended"} before any runner took it`,
        org,
        repo: repository.full_name,
        jobId: job.id,
      });
      return;
    }
    if (!runnerName.startsWith(deps.runnerPrefix) || !installation) {
      deps.log.debug({ jobId: job.id, runnerName }, "completed job not on a Mayfly runner");
      deps.metrics.webhooks.inc({ action: "completed", result: "other" });
      return;
    }
    await deps.reapQueue.send([
      reapEnvelope({
        kind: "reap",
        org,
        installationId: installation.id,
        runnerName,
        runnerId: job.runner_id || null,
        jobId: job.id,
        conclusion: job.conclusion ?? null,
        receivedAt: event.receivedAt,
        deliveryId: event.id,
      }),
    ]);
    deps.metrics.webhooks.inc({ action: "completed", result: "reap" });
    deps.events.record({
      kind: "job.completed",
      message: `job ${job.id} ${job.conclusion ?? "ended"} on ${runnerName}`,
      org,
      repo: repository.full_name,
      jobId: job.id,
      runnerName,
    });
  }

  return { queued, inProgress, completed };
}
