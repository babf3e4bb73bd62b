import type { JobStatus } from "../domain/job-status.js";
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
  const split = (repo: string) => {
    const [owner = "", name = ""] = repo.split("/");
    return { owner, repo: name };
  };
  // Whether a run comes from a fork never changes: asked at `queued` and again at `in_progress` (policy
  // on the runner), and by every job of the run, it costs one GET per run. FIFO-bounded.
  const forkRuns = new Map<string, boolean>();
  return {
    async get(ref) {
      const octokit = await options.auth(ref.installationId);
      try {
        const { data } = await octokit.request("GET /repos/{owner}/{repo}/actions/jobs/{job_id}", {
          ...split(ref.repo),
          job_id: ref.jobId,
        });
        return { status: data.status, conclusion: data.conclusion, runnerName: data.runner_name };
      } catch (error) {
        if (githubStatus(error) === 404) return { status: "missing", conclusion: null, runnerName: null };
        throw translateGitHubError(error, options.now) ?? error;
      }
    },
    async isForkRun(ref) {
      const key = `${ref.repo}#${ref.runId}`;
      const known = forkRuns.get(key);
      if (known !== undefined) return known;
      const octokit = await options.auth(ref.installationId);
      try {
        const { data } = await octokit.request("GET /repos/{owner}/{repo}/actions/runs/{run_id}", {
          ...split(ref.repo),
          run_id: ref.runId,
        });
        const fork =
          data.head_repository?.fork === true ||
          data.head_repository?.full_name !== data.repository.full_name;
        forkRuns.set(key, fork);
        if (forkRuns.size > 10_000) forkRuns.delete(forkRuns.keys().next().value as string);
        return fork;
      } catch (error) {
        throw translateGitHubError(error, options.now) ?? error;
      }
    },
  };
}
