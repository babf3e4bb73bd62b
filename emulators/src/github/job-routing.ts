import type { JobRecord, RepoRecord, RunnerGroupRecord, RunnerRecord } from "./records.js";

/**
 * GitHub's routing rules, as pure functions. A queued job goes to "an online and idle runner that
 * matches the job's `runs-on` labels and groups" — any such runner, not the one launched for it
 * (github-guidance.md §Routing; docs.github.com/actions/reference/runners/self-hosted-runners).
 */

/** Labels match case-insensitively; `self-hosted` is implied for self-hosted runners. */
export function labelsSatisfy(runnerLabels: readonly string[], jobLabels: readonly string[]): boolean {
  const have = new Set(runnerLabels.map((l) => l.toLowerCase()));
  return jobLabels.every((l) => l.toLowerCase() === "self-hosted" || have.has(l.toLowerCase()));
}

/**
 * Whether a runner group admits a repository: "all", "selected" repositories, or "private" (every
 * non-public repository); public repositories only when the group allows them, which GitHub's default
 * does not ("By default, only private repositories can access runners in a runner group").
 */
export function groupAdmits(group: RunnerGroupRecord, repo: RepoRecord): boolean {
  if (group.org !== repo.org) return false;
  if (repo.visibility === "public" && !group.allowsPublicRepositories) return false;
  if (group.visibility === "selected") return group.selectedRepositories.has(repo.name.toLowerCase());
  if (group.visibility === "private") return repo.visibility !== "public";
  return true;
}

/** Oldest queued, unassigned job first. */
export function waitingJobs(jobs: Iterable<JobRecord>): JobRecord[] {
  return [...jobs]
    .filter((j) => j.status === "queued" && j.assignedRunnerId === null)
    .sort((a, b) => a.createdAt - b.createdAt || a.id - b.id);
}

export function runnerIsIdle(runner: RunnerRecord): boolean {
  return runner.status === "online" && runner.sessionId !== null && !runner.busy && runner.jobId === null;
}

/**
 * The runner that takes `job`: among idle runners that match, the one idle longest, preferring
 * runners that have not already let this job's assignment time out.
 */
export function pickRunner(
  job: JobRecord,
  runners: readonly RunnerRecord[],
  groupOf: (runner: RunnerRecord) => RunnerGroupRecord | undefined,
): RunnerRecord | undefined {
  const eligible = runners.filter((r) => {
    const group = groupOf(r);
    return (
      runnerIsIdle(r) &&
      group !== undefined &&
      groupAdmits(group, job.repoRecord) &&
      labelsSatisfy(
        r.labels.map((l) => l.name),
        job.labels,
      )
    );
  });
  eligible.sort(
    (a, b) =>
      Number(job.declinedBy.has(a.id)) - Number(job.declinedBy.has(b.id)) ||
      a.idleSince - b.idleSince ||
      a.id - b.id,
  );
  return eligible[0];
}
