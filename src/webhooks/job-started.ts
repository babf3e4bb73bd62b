import type { Logger } from "pino";
import type { InstanceState } from "../domain/instance-state.js";
import { judgeRunnerJob, type RunnerOrigin, runnerNeedsForkCheck } from "../domain/judge-runner-job.js";
import { instanceIdOf } from "../domain/runner-name.js";
import { TAG } from "../domain/tags.js";
import type { RunnerJob } from "../events/runner-jobs.js";
import type { Jobs } from "../github/jobs.js";
import type { Metrics } from "../metrics.js";
import type { Pool } from "../pool-file.js";
import type { OutgoingMessage } from "../queue/job-queue.js";
import { reapEnvelope } from "../queue/messages.js";
import type { Report } from "../report/report.js";
import type { WorkflowJobEvent } from "./workflow-job-event.js";

/** The instance behind a runner name (batched DescribeInstances: src/bootstrap/instance-lookup.ts). */
export interface RunnerInstances {
  get(instanceId: string): Promise<{ state: InstanceState; tags: Record<string, string> } | undefined>;
}

export interface JobStartedDeps {
  pools: readonly Pool[];
  instances: RunnerInstances;
  jobs: Pick<Jobs, "isForkRun">;
  reapQueue: { send(messages: OutgoingMessage[]): Promise<unknown> };
  /** `noteStarted`: a `completed` on a runner says the job started, should its `in_progress` be lost. */
  runnerJobs: { record(job: RunnerJob): void; noteStarted?(jobId: number): void };
  report: Report;
  /** What `report` does not count: every delivery by result, and the queue-time histogram. */
  metrics: Pick<Metrics, "webhooks" | "queueTime">;
  runnerPrefix: string;
  /** Terminate a Mayfly runner that GitHub handed a job its pool's policy denies (default on). */
  enforceOnRunners?: boolean;
  log: Logger;
  now: () => number;
}

/**
 * `in_progress` on a Mayfly runner: record which runner took which job, then judge the job by the pool of
 * the runner's instance (ADR 0008). The look-up is one DescribeInstances by id, shared with every other
 * start and boot check in the same 25 ms; under load one listing every 5 s serves them all.
 */
export function createJobStartedHandler(deps: JobStartedDeps): (event: WorkflowJobEvent) => Promise<void> {
  return async function jobStarted(event: WorkflowJobEvent): Promise<void> {
    const { workflow_job: job, repository, installation } = event.payload;
    const runnerName = job.runner_name ?? "";
    const instanceId = instanceIdOf(deps.runnerPrefix, runnerName);
    deps.metrics.webhooks.inc({ action: "in_progress", result: instanceId ? "ours" : "other" });
    if (!instanceId) return;
    const org = event.payload.organization?.login ?? repository.owner.login;
    const enforce = deps.enforceOnRunners !== false && installation !== undefined;
    const found = enforce ? await deps.instances.get(instanceId) : undefined;
    const runner = enforce ? origin(found) : undefined;
    /** The pool of an instance of ours that has already terminated (a late delivery of this event). */
    const ended =
      found?.state === "terminated" ? deps.pools.find((p) => p.name === found.tags[TAG.pool]) : undefined;
    const startedAt = Date.parse(job.started_at) || deps.now();
    const created = Date.parse(job.created_at);
    const queueSeconds = Number.isNaN(created) ? undefined : Math.max(0, (startedAt - created) / 1000);
    const pool = runner?.kind === "pool" ? runner.pool.name : "unknown";
    if (queueSeconds !== undefined) deps.metrics.queueTime.observe({ pool }, queueSeconds);
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
    const where = { pool, org, repo: repository.full_name, jobId: job.id, runnerName };
    deps.report("job.started", { message: `${runnerName} started job ${job.id}`, ...where });
    if (!runner || !installation) return;

    const visibility = repository.visibility ?? (repository.private ? "private" : "public");
    const input = {
      org,
      repository: { fullName: repository.full_name, visibility },
      jobLabels: job.labels,
      runner,
      pools: deps.pools,
    } as const;
    const forkRun = runnerNeedsForkCheck(input)
      ? await deps.jobs.isForkRun({
          installationId: installation.id,
          repo: repository.full_name,
          runId: job.run_id,
        })
      : undefined;
    const verdict = judgeRunnerJob({ ...input, forkRun });
    if (verdict.verdict === "allowed") return;
    if (verdict.verdict === "rogue") {
      // A late (redelivered) in_progress for a job that ran on an instance of ours now terminated: judged
      // by that instance's pool all the same, so a denied job is recorded as the violation it was (chaos
      // seed 7202 of the warm profile: the webhooks role was down while it ran). Still suspect: Mayfly
      // could not stop it, and a runner under a terminated instance's name may be a stolen config.
      const late = ended
        ? judgeRunnerJob({ ...input, runner: { kind: "pool", pool: ended }, forkRun })
        : undefined;
      if (late?.verdict === "violation") {
        deps.report("policy.violation", {
          reason: late.code,
          message: `job ${job.id} of ${repository.full_name} ran on ${runnerName} although ${late.reason}; its instance is already terminated`,
          ...where,
          pool: late.pool,
        });
      }
      // Nothing of ours to terminate: the sweep raises the alarm and removes the runner once GitHub allows.
      deps.report("job.suspect", {
        reason: "rogue-runner",
        message: `job ${job.id} of ${repository.full_name} started on ${runnerName}, which is no live instance of this deployment: treat its results as suspect`,
        ...where,
        pool: undefined,
      });
      return;
    }
    // GitHub hands a queued job to ANY idle runner whose labels match, so deny by default holds on the
    // runner too: its instance is terminated at once, which ends the job.
    const where2 = { ...where, pool: verdict.pool };
    deps.report("policy.violation", {
      reason: verdict.code,
      message: `job ${job.id} of ${repository.full_name} started on ${runnerName} although ${verdict.reason}; terminating the runner`,
      ...where2,
    });
    await deps.reapQueue.send([
      reapEnvelope({
        kind: "reap",
        cause: "policy-violation",
        org,
        installationId: installation.id,
        runnerName,
        runnerId: job.runner_id || null,
        jobId: job.id,
        conclusion: null,
        receivedAt: event.receivedAt,
        deliveryId: event.id,
      }),
    ]);
  };

  function origin(
    instance: { state: InstanceState; tags: Record<string, string> } | undefined,
  ): RunnerOrigin {
    if (!instance || instance.state === "terminated") return { kind: "no-instance" };
    const tag = instance.tags[TAG.pool];
    const pool = deps.pools.find((p) => p.name === tag);
    return pool ? { kind: "pool", pool } : { kind: "unknown-pool", tag };
  }
}
