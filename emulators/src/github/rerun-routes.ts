import type { ApiDeps } from "./api-deps.js";
import { ApiError, notFound } from "./api-error.js";
import { requireOrgAccess } from "./auth.js";
import type { Route } from "./router.js";

const DOCS = "https://docs.github.com/rest/actions/workflow-jobs#re-run-a-job-from-a-workflow-run";

/**
 * `POST /repos/{owner}/{repo}/actions/jobs/{job_id}/rerun` → 201 (needs `actions: write`). The re-run is a
 * new job (new id, same run, run_attempt + 1). A job still queued or running, or one whose run already has
 * a later attempt, cannot be re-run: GitHub answers 403 (the emulator's wording).
 */
export function rerunRoutes(deps: ApiDeps): Route[] {
  const { world } = deps;
  return [
    {
      method: "POST",
      template: "/repos/{owner}/{repo}/actions/jobs/{job_id}/rerun",
      docs: DOCS,
      auth: "any",
      handler: (ctx) => {
        const repo = world.repo(ctx.params.owner ?? "", ctx.params.repo ?? "");
        if (!repo) throw notFound();
        requireOrgAccess(ctx.caller, repo.org, "actions", "write");
        const id = Number(ctx.params.job_id);
        const job = world.jobs.get(id);
        if (!job || job.repoRecord !== repo) throw notFound();
        if (job.status !== "completed")
          throw new ApiError(403, "This job is not complete and cannot be re-run");
        const later = [...world.jobs.values()].some(
          (j) => j.runId === job.runId && j.runAttempt > job.runAttempt,
        );
        if (later)
          throw new ApiError(403, "A later attempt of this workflow run exists; it cannot be re-run");
        deps.dispatcher.rerun(job);
        // GitHub answers 201 with an empty object; the new job is seen in the `queued` webhook.
        return { status: 201, body: {} };
      },
    },
  ];
}
