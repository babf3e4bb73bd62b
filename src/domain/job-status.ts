/**
 * A workflow job's status as GitHub's jobs API reports it
 * (https://docs.github.com/en/rest/actions/workflow-jobs), plus `missing` for a 404 (the run was deleted).
 */
export const JOB_STATUSES = [
  "queued",
  "in_progress",
  "completed",
  "waiting",
  "requested",
  "pending",
  "missing",
] as const;
export type JobStatus = (typeof JOB_STATUSES)[number];
