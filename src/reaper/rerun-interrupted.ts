import type { Logger } from "pino";
import { interruptedAt } from "../aws/ec2-mark-interrupted.js";
import type { Fleet } from "../aws/fleet.js";
import { planRerun } from "../domain/plan-interruption.js";
import { instanceIdOf } from "../domain/runner-name.js";
import { TAG } from "../domain/tags.js";
import type { Rerun } from "../github/rerun.js";
import type { ReapMessage } from "../queue/messages.js";
import type { Report } from "../report/report.js";

export interface RerunDeps {
  fleet: Pick<Fleet, "describe">;
  rerun: Rerun;
  report: Report;
  runnerPrefix: string;
  log: Logger;
}

/**
 * Re-runs, once, a job that ended failed or cancelled on a runner whose instance was interrupted (issue
 * 14; ADR 0015). Only failed or cancelled first attempts cost a DescribeInstances; the re-run is a new job
 * with run_attempt 2, which the scaler launches on on-demand and which is never re-run again. Safe to
 * repeat: GitHub refuses to re-run a job whose run already has a later attempt.
 */
export function createInterruptedRerun(deps: RerunDeps): (message: ReapMessage) => Promise<void> {
  return async function rerunIfInterrupted(message) {
    if (message.cause !== "completed" || !message.repo) return;
    const failed = message.conclusion === "failure" || message.conclusion === "cancelled";
    if (!failed) return;
    const instanceId = instanceIdOf(deps.runnerPrefix, message.runnerName);
    if (!instanceId) return;
    const [instance] = await deps.fleet.describe([instanceId]);
    const interrupted = instance !== undefined && interruptedAt(instance.tags) !== undefined;
    const plan = planRerun({
      conclusion: message.conclusion,
      runAttempt: message.runAttempt ?? 1,
      interrupted,
    });
    const pool = instance?.tags[TAG.pool] ?? "";
    if (!plan.rerun && plan.reason !== "already-a-rerun") return;
    if (!plan.rerun) {
      deps.report("spot.rerun", {
        pool,
        reason: "already-a-rerun",
        org: message.org,
        repo: message.repo,
        jobId: message.jobId,
        instanceId,
        message: `job ${message.jobId} was cut short by a spot interruption again; it is a re-run already, so it stays ${message.conclusion}`,
      });
      return;
    }
    const result = await deps.rerun.job({
      installationId: message.installationId,
      repo: message.repo,
      jobId: message.jobId,
    });
    deps.report("spot.rerun", {
      pool,
      reason: result,
      org: message.org,
      repo: message.repo,
      jobId: message.jobId,
      instanceId,
      message:
        result === "rerun"
          ? `job ${message.jobId} was cut short by a spot interruption: re-run once, on on-demand`
          : `job ${message.jobId} was cut short by a spot interruption; GitHub refused the re-run (already re-run, or gone)`,
    });
  };
}
