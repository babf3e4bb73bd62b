import { hex, type IdSource, isoSeconds } from "./ids.js";
import type { JobRecord, JobStep, RepoRecord } from "./records.js";
import type { EnqueueJobInput } from "./types.js";

/**
 * A new queued job in a run of its own (one job per emulated workflow run). Ids come from GitHub-sized
 * ranges; a run from a fork is a `pull_request` run on a contributor branch.
 */
export function newJobRecord(
  ids: { run: IdSource; job: IdSource },
  repo: RepoRecord,
  input: EnqueueJobInput,
  now: number,
): JobRecord {
  const runId = ids.run.next();
  return {
    id: ids.job.next(),
    runId,
    runAttempt: 1,
    org: repo.org.login,
    repo: repo.name,
    repositoryId: repo.id,
    labels: [...input.labels],
    durationMs: input.durationMs,
    requestedConclusion: input.conclusion ?? "success",
    fromFork: input.fromFork ?? false,
    workflowName: input.workflowName ?? "CI",
    jobName: input.jobName ?? "build",
    status: "queued",
    conclusion: null,
    createdAt: now,
    startedAt: null,
    completedAt: null,
    assignedRunnerId: null,
    assignedAt: null,
    runnerId: null,
    runnerName: null,
    runnerGroupId: null,
    runnerGroupName: null,
    cancelRequested: false,
    requeues: 0,
    repoRecord: repo,
    headSha: hex(20),
    headBranch: input.fromFork ? "contributor-patch" : "main",
    runNumber: runId % 100_000,
    event: input.fromFork ? "pull_request" : "push",
    steps: [],
    declinedBy: new Set(),
  };
}

/** A step of the job's log, as the jobs API and `workflow_job` payloads show it. */
export function step(
  name: string,
  number: number,
  status: JobStep["status"],
  conclusion: string | null,
  startedAt: number,
  completedAt: number | null,
): JobStep {
  return {
    name,
    status,
    conclusion,
    number,
    started_at: isoSeconds(startedAt),
    completed_at: completedAt === null ? null : isoSeconds(completedAt),
  };
}
