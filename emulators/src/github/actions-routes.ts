import { jobShape, runShape } from "./actions-shapes.js";
import type { ApiDeps } from "./api-deps.js";
import { notFound } from "./api-error.js";
import { requireOrgAccess } from "./auth.js";
import { paginate } from "./pagination.js";
import type { JobRecord } from "./records.js";
import type { Route, RouteContext } from "./router.js";
import { latestAttempts, runsMatching } from "./run-filters.js";

/**
 * Workflow jobs and runs (one job per emulated run).
 * https://docs.github.com/rest/actions/workflow-jobs, https://docs.github.com/rest/actions/workflow-runs
 */

const JOB_DOCS = "https://docs.github.com/rest/actions/workflow-jobs";
const RUN_DOCS = "https://docs.github.com/rest/actions/workflow-runs";

export function actionsRoutes(deps: ApiDeps): Route[] {
  const { world } = deps;
  const jobsOfRepo = (ctx: RouteContext): JobRecord[] => {
    const repo = world.repo(ctx.params.owner ?? "", ctx.params.repo ?? "");
    if (!repo) throw notFound();
    requireOrgAccess(ctx.caller, repo.org, "actions", "read");
    return [...world.jobs.values()].filter((j) => j.repoRecord === repo);
  };
  const byId = (raw: string | undefined, key: "id" | "runId", jobs: JobRecord[]): JobRecord => {
    const id = /^\d+$/.test(raw ?? "") ? Number(raw) : Number.NaN;
    const job = jobs.find((j) => j[key] === id);
    if (!job) throw notFound();
    return job;
  };

  return [
    {
      method: "GET",
      template: "/repos/{owner}/{repo}/actions/jobs/{job_id}",
      docs: `${JOB_DOCS}#get-a-job-for-a-workflow-run`,
      auth: "any",
      handler: (ctx) => ({
        status: 200,
        body: jobShape(ctx.apiBase, byId(ctx.params.job_id, "id", jobsOfRepo(ctx))),
      }),
    },
    {
      method: "GET",
      template: "/repos/{owner}/{repo}/actions/runs",
      docs: `${RUN_DOCS}#list-workflow-runs-for-a-repository`,
      auth: "any",
      handler: (ctx) => {
        const runs = runsMatching(jobsOfRepo(ctx), ctx.query);
        const { page, headers } = paginate(runs, ctx.query, ctx.selfUrl);
        return {
          status: 200,
          body: { total_count: runs.length, workflow_runs: page.map((j) => runShape(ctx.apiBase, j)) },
          headers,
        };
      },
    },
    {
      method: "GET",
      template: "/repos/{owner}/{repo}/actions/runs/{run_id}",
      docs: `${RUN_DOCS}#get-a-workflow-run`,
      auth: "any",
      handler: (ctx) => ({
        status: 200,
        body: runShape(ctx.apiBase, byId(ctx.params.run_id, "runId", latestAttempts(jobsOfRepo(ctx)))),
      }),
    },
    {
      method: "GET",
      template: "/repos/{owner}/{repo}/actions/runs/{run_id}/jobs",
      docs: `${JOB_DOCS}#list-jobs-for-a-workflow-run`,
      auth: "any",
      handler: (ctx) => {
        const run = byId(ctx.params.run_id, "runId", jobsOfRepo(ctx));
        const all = [run];
        const { page, headers } = paginate(all, ctx.query, ctx.selfUrl);
        return {
          status: 200,
          body: { total_count: all.length, jobs: page.map((j) => jobShape(ctx.apiBase, j)) },
          headers,
        };
      },
    },
  ];
}
