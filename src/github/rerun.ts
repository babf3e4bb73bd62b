import { repoParams } from "./repo-params.js";
import type { AuthInstallation } from "./runners.js";
import { githubStatus, translateGitHubError } from "./translate-error.js";

/**
 * Re-running one job (https://docs.github.com/en/rest/actions/workflow-jobs#re-run-a-job-from-a-workflow-run):
 * `POST /repos/{owner}/{repo}/actions/jobs/{job_id}/rerun` → 201; the re-run is a new job in the same run
 * with `run_attempt` one higher. Needs the App permission `actions: write` (app.yml says why).
 */
export type RerunResult = "rerun" | "refused";

export interface Rerun {
  /** `refused` when GitHub will not re-run it (403/404/422: still running, a later attempt exists, gone). */
  job(ref: { installationId: number; repo: string; jobId: number }): Promise<RerunResult>;
}

export function createGitHubRerun(options: { auth: AuthInstallation; now?: () => number }): Rerun {
  return {
    async job(ref) {
      const octokit = await options.auth(ref.installationId);
      try {
        await octokit.request("POST /repos/{owner}/{repo}/actions/jobs/{job_id}/rerun", {
          ...repoParams(ref.repo),
          job_id: ref.jobId,
        });
        return "rerun";
      } catch (error) {
        const translated = translateGitHubError(error, options.now);
        if (translated) throw translated;
        if ([403, 404, 409, 422].includes(githubStatus(error))) return "refused";
        throw error;
      }
    },
  };
}
