import type { Logger } from "pino";
import type { InstanceState } from "../domain/instance-state.js";
import { instanceIdOf, isInstanceId } from "../domain/runner-name.js";
import { RunnerBusyError } from "../errors.js";
import type { Runners } from "../github/runners.js";
import type { Metrics } from "../metrics.js";
import type { Outcome } from "../queue/consumer.js";
import type { ReapMessage } from "../queue/messages.js";
import type { Report } from "../report/report.js";

/** What completion needs, declared here (STYLE.md principle 4). */
export interface CompletionDeps {
  runners: Pick<Runners, "remove">;
  instances: { get(instanceId: string): Promise<{ state: InstanceState } | undefined> };
  terminator: { terminate(instanceIds: readonly string[]): Promise<void> };
  /** Records that a denied job took the runner, so the launch does not count against its jobs' cap. */
  taken: { mark(instanceId: string, jobId: number): Promise<void> };
  /** `noteStarted`: a job that completed on a runner started; this replica's scaler need not ask GitHub. */
  runnerJobs: { forget(runnerName: string): void; noteStarted?(jobId: number): void };
  report: Report;
  /** Only the latency histogram; counters go through `report`. */
  metrics: Pick<Metrics, "timeToRevoke">;
  runnerPrefix: string;
  log: Logger;
  now?: () => number;
}

/**
 * Completion (DESIGN.md "reaper"): the job on runner `runnerName` ended, so its instance is terminated.
 * Keyed by the runner that ran the job, never by the job that caused a launch (runners are not bound to
 * jobs). A policy violation (a denied job running on the runner) terminates first, then drops the runner.
 */
export function createCompletionHandler(deps: CompletionDeps): (message: ReapMessage) => Promise<Outcome> {
  const now = deps.now ?? Date.now;

  /** A denied job is running on this runner: end it by terminating the machine, then drop the runner. */
  async function contain(message: ReapMessage, instanceId: string): Promise<Outcome> {
    const instance = await deps.instances.get(instanceId);
    if (instance && instance.state !== "terminated") {
      // Both at once, so the mark never delays containment; a failed mark costs at most one launch of the
      // cap for the jobs the instance was launched for, so it is logged, not retried.
      await Promise.all([
        deps.terminator.terminate([instanceId]),
        deps.taken.mark(instanceId, message.jobId).catch((error: unknown) => {
          deps.log.warn({ err: error, instanceId }, `could not tag ${instanceId} as taken by a denied job`);
        }),
      ]);
    }
    if (message.runnerId) {
      await deps.runners
        .remove({ installationId: message.installationId, org: message.org }, message.runnerId)
        .catch((error) => {
          // Still busy for GitHub until it notices the machine is gone; the sweep removes it then.
          if (!(error instanceof RunnerBusyError)) throw error;
        });
    }
    deps.runnerJobs.forget(message.runnerName);
    deps.report("reap.terminated", {
      reason: "policy-violation",
      org: message.org,
      jobId: message.jobId,
      runnerName: message.runnerName,
      instanceId,
      message: `terminated ${instanceId}: it was running job ${message.jobId}, which the policy denies`,
    });
    return { kind: "ack" };
  }

  return async function handle(message: ReapMessage): Promise<Outcome> {
    const instanceId = instanceIdOf(deps.runnerPrefix, message.runnerName);
    if (!instanceId || !isInstanceId(instanceId)) {
      return { kind: "dead-letter", reason: `runner name ${message.runnerName} does not name an instance` };
    }
    if (message.cause === "policy-violation") return contain(message, instanceId);
    // GitHub removes a JIT runner itself once its one job ends, so there is no DELETE here: the bench
    // measured a 404 for every one, each costing 5 points of the budget JIT configs are issued from. A
    // runner that lingers is removed by the sweep once its instance is gone. No DescribeInstances
    // either: terminating an instance that already powered off is a no-op, the call is batched with
    // other completions, and IAM lets the app terminate only instances tagged as this deployment's.
    await deps.terminator.terminate([instanceId]);
    deps.runnerJobs.forget(message.runnerName);
    deps.runnerJobs.noteStarted?.(message.jobId);
    const seconds = (now() - message.receivedAt) / 1000;
    deps.metrics.timeToRevoke.observe(seconds);
    deps.report("reap.terminated", {
      reason: "job-completed",
      org: message.org,
      jobId: message.jobId,
      runnerName: message.runnerName,
      instanceId,
      message: `job ${message.jobId} completed on ${message.runnerName}: ${instanceId} terminated ${seconds.toFixed(2)}s after the webhook`,
    });
    return { kind: "ack" };
  };
}
