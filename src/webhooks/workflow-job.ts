import type { Logger } from "pino";
import { matchPool } from "../domain/match-pool.js";
import { nearestPool } from "../domain/nearest-pool.js";
import { isMayflyRunnerName } from "../domain/runner-name.js";
import type { Metrics } from "../metrics.js";
import { reapEnvelope, scaleEnvelope } from "../queue/messages.js";
import { decideJob } from "./decide-job.js";
import { createJobStartedHandler, type JobStartedDeps } from "./job-started.js";
import type { WorkflowJobEvent } from "./workflow-job-event.js";

/**
 * Thin handlers for `workflow_job` (DESIGN.md "The flow", step 1): match, decide, enqueue. They resolve
 * only once the message is durably queued, so the webhook is answered 2xx only then; a failure answers
 * 5xx and GitHub records a failed delivery, which the reaper's redelivery brings back.
 */
export interface WorkflowJobDeps extends Omit<JobStartedDeps, "now" | "metrics"> {
  scaleQueue: JobStartedDeps["reapQueue"];
  /** Allowed jobs count here; denials and queued jobs are counted by `report`. */
  metrics: JobStartedDeps["metrics"] & Pick<Metrics, "policyDecisions">;
  log: Logger;
  now?: () => number;
}

/** What the intake dispatches to, by action. */
export interface WorkflowJobHandlers {
  queued(event: WorkflowJobEvent): Promise<void>;
  inProgress(event: WorkflowJobEvent): Promise<void>;
  completed(event: WorkflowJobEvent): Promise<void>;
}

export function createWorkflowJobHandlers(deps: WorkflowJobDeps): WorkflowJobHandlers {
  const now = deps.now ?? Date.now;
  const ours = (runnerName: string) => isMayflyRunnerName(deps.runnerPrefix, runnerName);

  async function queued(event: WorkflowJobEvent): Promise<void> {
    const { workflow_job: job, installation } = event.payload;
    const decided = decideJob(event.payload, deps);
    if (decided.kind === "unclaimed") {
      const near =
        job.labels.some((l) => l.toLowerCase() === "self-hosted") && nearestPool(job.labels, deps.pools);
      if (near) {
        // A self-hosted job nobody serves is usually a label typo: say which pool it nearly matched.
        const message = `no pool matches [${job.labels.join(", ")}]; nearest is "${near.pool.name}", which lacks [${near.missing.join(", ")}]`;
        deps.report("job.ignored", { message, pool: near.pool.name, jobId: job.id, reason: "no-pool" });
      } else deps.log.debug({ jobId: job.id, labels: job.labels }, `ignored: ${decided.reason}`);
      deps.metrics.webhooks.inc({ action: "queued", result: "ignored" });
      return;
    }
    const { pool, decision, org, repo, forkCheck } = decided;
    const where = { pool: pool.name, org, repo, jobId: job.id };
    if (!decision.allow) {
      deps.metrics.webhooks.inc({ action: "queued", result: "denied" });
      deps.report("policy.denied", {
        message: `denied: ${decision.reason}`,
        reason: decision.code,
        ...where,
      });
      return;
    }
    if (!installation) {
      deps.log.warn(
        { jobId: job.id },
        "queued job without an installation: is the App installed on the org?",
      );
      deps.metrics.webhooks.inc({ action: "queued", result: "no-installation" });
      return;
    }
    // A job admitted on condition is counted by the scaler once it knows whether the run is a fork's.
    if (!forkCheck) deps.metrics.policyDecisions.inc({ decision: "allow", reason: "allowed" });
    await deps.scaleQueue.send([
      scaleEnvelope({
        kind: "scale",
        jobId: job.id,
        runId: job.run_id,
        runAttempt: job.run_attempt ?? 1,
        org,
        repo,
        installationId: installation.id,
        pool: pool.name,
        labels: job.labels,
        jobCreatedAt: Date.parse(job.created_at) || now(),
        receivedAt: event.receivedAt,
        deliveryId: event.id,
        forkCheck,
      }),
    ]);
    deps.metrics.webhooks.inc({ action: "queued", result: "queued" });
    // A job on condition is reported queued (or denied) by the scaler, once it knows whose run it is.
    if (!forkCheck)
      deps.report("job.queued", { message: `${decided.matchReason}; ${decision.reason}`, ...where });
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
      deps.report("job.completed", {
        message: `job ${job.id} ${job.conclusion ?? "ended"} before any runner took it`,
        org,
        repo: repository.full_name,
        jobId: job.id,
      });
      return;
    }
    if (!ours(runnerName) || !installation) {
      deps.log.debug({ jobId: job.id, runnerName }, "completed job not on a Mayfly runner");
      deps.metrics.webhooks.inc({ action: "completed", result: "other" });
      return;
    }
    deps.runnerJobs.noteStarted?.(job.id);
    await deps.reapQueue.send([
      reapEnvelope({
        kind: "reap",
        cause: "completed",
        org,
        installationId: installation.id,
        runnerName,
        runnerId: job.runner_id || null,
        jobId: job.id,
        conclusion: job.conclusion ?? null,
        repo: repository.full_name,
        runAttempt: job.run_attempt,
        receivedAt: event.receivedAt,
        deliveryId: event.id,
      }),
    ]);
    deps.metrics.webhooks.inc({ action: "completed", result: "reap" });
    deps.report("job.completed", {
      message: `job ${job.id} ${job.conclusion ?? "ended"} on ${runnerName}`,
      org,
      repo: repository.full_name,
      jobId: job.id,
      runnerName,
    });
  }

  return { queued, inProgress: createJobStartedHandler({ ...deps, now }), completed };
}
