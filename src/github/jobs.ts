import type { JobStatus } from "../domain/job-status.js";
import { createForkRuns } from "./fork-runs.js";
import { repoParams } from "./repo-params.js";
import type { AuthInstallation } from "./runners.js";
import { githubStatus, translateGitHubError } from "./translate-error.js";

/** Workflow jobs and runs (https://docs.github.com/en/rest/actions/workflow-jobs). Needs `actions: read`. */

export interface JobView {
  status: JobStatus;
  conclusion: string | null;
  runnerName: string | null;
}

export interface Jobs {
  /** The job's status now; `missing` when GitHub no longer knows it. */
  get(ref: { installationId: number; repo: string; jobId: number }): Promise<JobView>;
  /** Whether the run comes from a fork (its head repository is a fork). */
  isForkRun(ref: { installationId: number; repo: string; runId: number }): Promise<boolean>;
}

export function createGitHubJobs(options: { auth: AuthInstallation; now?: () => number }): Jobs {
  // Asked at `queued` and again at `in_progress` (policy on the runner), by every job of a run: one answer
  // per run, and a burst's questions about one repository answered together (fork-runs.ts).
  const forkRuns = createForkRuns(options);
  return {
    async get(ref) {
      const octokit = await options.auth(ref.installationId);
      try {
        const { data } = await octokit.request("GET /repos/{owner}/{repo}/actions/jobs/{job_id}", {
          ...repoParams(ref.repo),
          job_id: ref.jobId,
        });
        return { status: data.status, conclusion: data.conclusion, runnerName: data.runner_name };
      } catch (error) {
        if (githubStatus(error) === 404) return { status: "missing", conclusion: null, runnerName: null };
        throw translateGitHubError(error, options.now) ?? error;
      }
    },
    isForkRun: forkRuns.isForkRun,
  };
}
