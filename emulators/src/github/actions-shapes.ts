import { repository, simpleUser, WEB } from "./account-shapes.js";
import { isoSeconds, nodeId } from "./ids.js";
import type { JobRecord, RepoRecord, RunnerGroupRecord, RunnerRecord } from "./records.js";

/**
 * JSON shapes of runners, runner groups, jobs and workflow runs (@octokit/openapi-types `runner`,
 * `runner-groups-org`, `job`, `workflow-run`).
 */

export function runnerShape(runner: RunnerRecord) {
  return {
    id: runner.id,
    name: runner.name,
    os: runner.os,
    status: runner.status,
    busy: runner.busy,
    ephemeral: runner.ephemeral,
    runner_group_id: runner.runnerGroupId,
    labels: runner.labels.map((l) => ({ id: l.id, name: l.name, type: l.type })),
  };
}

export function runnerGroupShape(api: string, group: RunnerGroupRecord) {
  const url = `${api}/orgs/${group.org.login}/actions/runner-groups/${group.id}`;
  return {
    id: group.id,
    name: group.name,
    visibility: group.visibility,
    default: group.isDefault,
    ...(group.visibility === "selected" ? { selected_repositories_url: `${url}/repositories` } : {}),
    runners_url: `${url}/runners`,
    hosted_runners_url: `${url}/hosted-runners`,
    inherited: false,
    allows_public_repositories: group.allowsPublicRepositories,
    restricted_to_workflows: false,
    selected_workflows: [],
    workflow_restrictions_read_only: false,
  };
}

function fullName(job: JobRecord): string {
  return `${job.repoRecord.org.login}/${job.repoRecord.name}`;
}

export function jobShape(api: string, job: JobRecord) {
  const repoUrl = `${api}/repos/${fullName(job)}`;
  return {
    id: job.id,
    run_id: job.runId,
    workflow_name: job.workflowName,
    head_branch: job.headBranch,
    run_url: `${repoUrl}/actions/runs/${job.runId}`,
    run_attempt: job.runAttempt,
    node_id: nodeId("CheckRun", job.id),
    head_sha: job.headSha,
    url: `${repoUrl}/actions/jobs/${job.id}`,
    html_url: `${WEB}/${fullName(job)}/actions/runs/${job.runId}/job/${job.id}`,
    status: job.status,
    conclusion: job.conclusion,
    created_at: isoSeconds(job.createdAt),
    started_at: isoSeconds(job.startedAt ?? job.createdAt),
    completed_at: job.completedAt === null ? null : isoSeconds(job.completedAt),
    name: job.jobName,
    steps: job.steps,
    // A job's check run has the job's id.
    check_run_url: `${repoUrl}/check-runs/${job.id}`,
    labels: job.labels,
    runner_id: job.runnerId,
    runner_name: job.runnerName,
    runner_group_id: job.runnerGroupId,
    runner_group_name: job.runnerGroupName,
  };
}

/** The fork a pull request came from: same name, another owner. */
function forkOf(repo: RepoRecord): RepoRecord {
  const owner = {
    login: `${repo.name}-contributor`,
    id: repo.id + 9_000_000,
    nodeId: nodeId("User", repo.id + 9_000_000),
    plan: "free" as const,
  };
  return {
    ...repo,
    id: repo.id + 1_000_000_000,
    org: owner,
    visibility: "public",
    nodeId: nodeId("Repository", repo.id + 1_000_000_000),
  };
}

export function runShape(api: string, job: JobRecord) {
  const repoUrl = `${api}/repos/${fullName(job)}`;
  const runUrl = `${repoUrl}/actions/runs/${job.runId}`;
  const base = repository(api, job.repoRecord);
  const head = job.fromFork ? repository(api, forkOf(job.repoRecord), true) : base;
  const created = isoSeconds(job.createdAt);
  return {
    id: job.runId,
    name: job.workflowName,
    node_id: nodeId("WorkflowRun", job.runId),
    check_suite_id: job.runId + 1,
    check_suite_node_id: nodeId("CheckSuite", job.runId + 1),
    head_branch: job.headBranch,
    head_sha: job.headSha,
    path: ".github/workflows/ci.yml",
    display_title: job.workflowName,
    run_number: job.runNumber,
    event: job.event,
    status: job.status,
    conclusion: job.conclusion,
    workflow_id: job.repoRecord.id % 100_000_000,
    url: runUrl,
    html_url: `${WEB}/${fullName(job)}/actions/runs/${job.runId}`,
    pull_requests: [],
    created_at: created,
    updated_at: isoSeconds(job.completedAt ?? job.startedAt ?? job.createdAt),
    actor: head.owner,
    triggering_actor: head.owner,
    run_attempt: job.runAttempt,
    run_started_at: created,
    jobs_url: `${runUrl}/jobs`,
    logs_url: `${runUrl}/logs`,
    check_suite_url: `${repoUrl}/check-suites/${job.runId + 1}`,
    artifacts_url: `${runUrl}/artifacts`,
    cancel_url: `${runUrl}/cancel`,
    rerun_url: `${runUrl}/rerun`,
    previous_attempt_url: null,
    workflow_url: `${repoUrl}/actions/workflows/${job.repoRecord.id % 100_000_000}`,
    head_commit: {
      id: job.headSha,
      tree_id: job.headSha.split("").reverse().join(""),
      message: "Emulated commit",
      timestamp: created,
      author: { name: head.owner.login, email: `${head.owner.login}@users.noreply.github.com` },
      committer: { name: "GitHub", email: "noreply@github.com" },
    },
    repository: base,
    head_repository: head,
  };
}

export function senderShape(api: string, login: string, id: number) {
  return simpleUser(api, { login, id, nodeId: nodeId("User", id) });
}
