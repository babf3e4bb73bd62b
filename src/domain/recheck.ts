import type { JobStatus } from "./job-status.js";

export interface RecheckInput {
  /** The job's status from GitHub's jobs API; `missing` when GitHub answers 404 (run deleted). */
  jobStatus: JobStatus;
  /** The pool's runners that could still take the job: booting instances and idle runners. */
  spareRunners: number;
  /** Seconds since the job was queued, for the reason. */
  waitedSeconds: number;
}

export type RecheckAction = "ack" | "launch" | "wait";

/**
 * "No job waits forever" (DESIGN.md, scaler): a scale message that comes back (redelivered after a
 * crash, or after its recheck delay) is checked against GitHub. A job that started, finished or is gone
 * needs nothing. A queued job with a spare runner in its pool will be taken by it, because GitHub gives
 * a queued job to any idle runner whose labels match. A queued job with none lost its runner to another
 * job, so it gets a new launch.
 */
export function decideRecheck(input: RecheckInput): { action: RecheckAction; reason: string } {
  const waited = `${Math.max(0, Math.round(input.waitedSeconds))}s`;
  const spare = Math.max(0, Math.floor(input.spareRunners));
  switch (input.jobStatus) {
    case "in_progress":
    case "completed":
      return { action: "ack", reason: `job is ${input.jobStatus.replace("_", " ")}` };
    case "missing":
      return { action: "ack", reason: "job no longer exists on GitHub" };
    case "queued":
      if (spare > 0) {
        return { action: "wait", reason: `job queued ${waited}; ${spare} spare runner(s) in its pool` };
      }
      return {
        action: "launch",
        reason: `job queued ${waited} and no booting or idle runner left in its pool`,
      };
    default:
      // waiting / requested / pending: GitHub will not hand the job to any runner yet (an environment
      // awaits approval, or the run is still being set up), so a launch now would only idle. Check again.
      return {
        action: "wait",
        reason: `job is ${input.jobStatus} (not yet runnable) after ${waited}; ${spare} spare runner(s) in its pool`,
      };
  }
}
