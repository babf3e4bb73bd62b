import type { JobRecord, RunnerRecord } from "./records.js";
import type { EmulatedJob, EmulatedRunner } from "./types.js";

/** Public copies of internal records, so callers can't mutate the emulator's state. */

export function snapshotJob(job: JobRecord): EmulatedJob {
  return {
    id: job.id,
    runId: job.runId,
    runAttempt: job.runAttempt,
    org: job.org,
    repo: job.repo,
    repositoryId: job.repositoryId,
    labels: [...job.labels],
    durationMs: job.durationMs,
    requestedConclusion: job.requestedConclusion,
    fromFork: job.fromFork,
    workflowName: job.workflowName,
    jobName: job.jobName,
    status: job.status,
    conclusion: job.conclusion,
    createdAt: job.createdAt,
    startedAt: job.startedAt,
    completedAt: job.completedAt,
    assignedRunnerId: job.assignedRunnerId,
    assignedAt: job.assignedAt,
    runnerId: job.runnerId,
    runnerName: job.runnerName,
    runnerGroupId: job.runnerGroupId,
    runnerGroupName: job.runnerGroupName,
    cancelRequested: job.cancelRequested,
    requeues: job.requeues,
  };
}

export function snapshotRunner(runner: RunnerRecord): EmulatedRunner {
  return {
    id: runner.id,
    name: runner.name,
    org: runner.org,
    runnerGroupId: runner.runnerGroupId,
    labels: runner.labels.map((l) => l.name),
    os: runner.os,
    status: runner.status,
    busy: runner.busy,
    ephemeral: true,
    jobId: runner.jobId,
    createdAt: runner.createdAt,
    connectedAt: runner.connectedAt,
    removedAt: runner.removedAt,
  };
}
