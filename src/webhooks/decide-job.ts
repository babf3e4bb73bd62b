import { evaluatePolicy, needsForkCheck, type PolicyDecision } from "../domain/evaluate-policy.js";
import { matchPool } from "../domain/match-pool.js";
import type { Jobs } from "../github/jobs.js";
import type { Pool } from "../pool-file.js";
import type { WorkflowJobPayload } from "./workflow-job-event.js";

export type JobDecision =
  | { kind: "unclaimed"; reason: string }
  | { kind: "decided"; pool: Pool; matchReason: string; decision: PolicyDecision; org: string; repo: string };

/**
 * Which pool a job belongs to and whether policy admits it (DESIGN.md "Labels and pools", "Policy").
 * Looks up whether the run comes from a fork only when the answer depends on it (a public repository a
 * pool admits), so most jobs cost no GitHub call.
 */
export async function decideJob(
  payload: WorkflowJobPayload,
  deps: { pools: readonly Pool[]; jobs: Pick<Jobs, "isForkRun"> },
): Promise<JobDecision> {
  const { workflow_job: job, repository, installation } = payload;
  const match = matchPool(job.labels, deps.pools);
  if (!match.pool) return { kind: "unclaimed", reason: match.reason };
  const org = payload.organization?.login ?? repository.owner.login;
  const visibility = repository.visibility ?? (repository.private ? "private" : "public");
  const input = { org, repository: { fullName: repository.full_name, visibility } } as const;
  const forkRun =
    installation && needsForkCheck(input, match.pool)
      ? await deps.jobs.isForkRun({
          installationId: installation.id,
          repo: repository.full_name,
          runId: job.run_id,
        })
      : undefined;
  return {
    kind: "decided",
    pool: match.pool,
    matchReason: match.reason,
    decision: evaluatePolicy({ ...input, forkRun }, match.pool),
    org,
    repo: repository.full_name,
  };
}
