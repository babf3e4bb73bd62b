import { evaluatePolicy } from "../domain/evaluate-policy.js";
import type { Jobs } from "../github/jobs.js";
import type { Metrics } from "../metrics.js";
import type { Pool } from "../pool-file.js";
import type { ScaleMessage } from "../queue/messages.js";
import type { Report } from "../report/report.js";

/**
 * The fork check of a job admitted on condition (`forkCheck`: a public repository, a pool without
 * allowForks), before the scaler does anything else for it: no launch, no hot hand-off, no claim until
 * GitHub has said the run is not a fork's. Done here rather than on the webhook's path so the look-up,
 * batched per repository (src/github/fork-runs.ts), never holds a delivery's answer (issue 15). The pool
 * is evaluated again as configured now. A failed look-up throws: the scaler retries the message later,
 * and nothing launches meanwhile. Returns whether the job may go on.
 */
export async function passesForkGate(
  message: ScaleMessage,
  pool: Pool,
  receiveCount: number,
  deps: { jobs: Pick<Jobs, "isForkRun">; report: Report; metrics: Pick<Metrics, "policyDecisions"> },
): Promise<boolean> {
  if (!message.forkCheck) return true;
  const forkRun = await deps.jobs.isForkRun({
    installationId: message.installationId,
    repo: message.repo,
    runId: message.runId,
  });
  const decision = evaluatePolicy(
    { org: message.org, repository: { fullName: message.repo, visibility: "public" }, forkRun },
    pool,
  );
  const where = { pool: pool.name, org: message.org, repo: message.repo, jobId: message.jobId };
  if (decision.allow) {
    // Counted and reported on the message's first delivery only: its rechecks pass here again (the
    // answer is cached). A first delivery whose look-up failed is therefore never reported queued.
    if (receiveCount === 1) {
      deps.metrics.policyDecisions.inc({ decision: "allow", reason: "allowed" });
      deps.report("job.queued", {
        message: `pool "${pool.name}": ${decision.reason}, not a fork's run`,
        ...where,
      });
    }
    return true;
  }
  deps.report("policy.denied", {
    message: `denied: ${decision.reason}`,
    reason: decision.code,
    ...where,
  });
  return false;
}
