import { evaluatePolicy, needsForkCheck, type PolicyDecision } from "../domain/evaluate-policy.js";
import { matchPool } from "../domain/match-pool.js";
import type { Pool } from "../pool-file.js";
import type { WorkflowJobPayload } from "./workflow-job-event.js";

export type JobDecision =
  | { kind: "unclaimed"; reason: string }
  | {
      kind: "decided";
      pool: Pool;
      matchReason: string;
      decision: PolicyDecision;
      /**
       * The decision holds only if the run is not from a fork (a public repository the pool admits, no
       * allowForks): the scaler looks that up and denies before any launch (src/scaler/fork-gate.ts).
       */
      forkCheck: boolean;
      org: string;
      repo: string;
    };

/**
 * Which pool a job belongs to and whether policy admits it (DESIGN.md "Labels and pools", "Policy"), from
 * the payload alone: no GitHub call on the webhook's path. Whether the run comes from a fork is the one
 * fact the payload lacks; when the answer depends on it, the job is admitted on condition (`forkCheck`).
 */
export function decideJob(payload: WorkflowJobPayload, deps: { pools: readonly Pool[] }): JobDecision {
  const { workflow_job: job, repository } = payload;
  const match = matchPool(job.labels, deps.pools);
  if (!match.pool) return { kind: "unclaimed", reason: match.reason };
  const org = payload.organization?.login ?? repository.owner.login;
  const visibility = repository.visibility ?? (repository.private ? "private" : "public");
  const input = { org, repository: { fullName: repository.full_name, visibility } } as const;
  const forkCheck = needsForkCheck(input, match.pool);
  return {
    kind: "decided",
    pool: match.pool,
    matchReason: match.reason,
    decision: evaluatePolicy({ ...input, forkRun: forkCheck ? false : undefined }, match.pool),
    forkCheck,
    org,
    repo: repository.full_name,
  };
}
