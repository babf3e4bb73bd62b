import type { JobRecord } from "./records.js";

/**
 * "List workflow runs for a repository" over the emulated jobs (one job per run; a re-run is a later
 * attempt of the same run id): the latest attempt of each run, newest run first, filtered by the query
 * parameters GitHub documents — `status` (a status or a conclusion), `event`, `branch`, `head_sha` and
 * `created` (`>=2026-12-01`, `<…`, `a..b`; GitHub's search date syntax).
 * https://docs.github.com/rest/actions/workflow-runs#list-workflow-runs-for-a-repository
 */
export function runsMatching(jobs: readonly JobRecord[], query: URLSearchParams): JobRecord[] {
  const status = query.get("status");
  const event = query.get("event");
  const branch = query.get("branch");
  const headSha = query.get("head_sha");
  const created = createdRange(query.get("created"));
  return latestAttempts(jobs)
    .filter(
      (run) =>
        (!status || run.status === status || run.conclusion === status) &&
        (!event || run.event === event) &&
        (!branch || run.headBranch === branch) &&
        (!headSha || run.headSha === headSha) &&
        created(run.createdAt),
    )
    .sort((a, b) => b.runId - a.runId);
}

/** Each run's latest attempt. */
export function latestAttempts(jobs: readonly JobRecord[]): JobRecord[] {
  const byRun = new Map<number, JobRecord>();
  for (const job of jobs) {
    const seen = byRun.get(job.runId);
    if (!seen || job.runAttempt > seen.runAttempt) byRun.set(job.runId, job);
  }
  return [...byRun.values()];
}

/** A `created` qualifier as a test on epoch ms; a value GitHub would not parse matches nothing. */
function createdRange(raw: string | null): (at: number) => boolean {
  if (!raw) return () => true;
  const range = /^(.+)\.\.(.+)$/.exec(raw);
  if (range) {
    const from = Date.parse(range[1] ?? "");
    const to = endOf(range[2] ?? "");
    return (at) => at >= from && at <= to;
  }
  const op = /^(>=|<=|>|<)?(.+)$/.exec(raw);
  const value = op?.[2] ?? "";
  switch (op?.[1]) {
    case ">=":
      return (at) => at >= Date.parse(value);
    case ">":
      return (at) => at > endOf(value);
    case "<=":
      return (at) => at <= endOf(value);
    case "<":
      return (at) => at < Date.parse(value);
    default:
      return (at) => at >= Date.parse(value) && at <= endOf(value);
  }
}

/** The last millisecond a date (`2026-12-01`) or date-time names. */
function endOf(value: string): number {
  const at = Date.parse(value);
  return /^\d{4}-\d{2}-\d{2}$/.test(value) ? at + 86_400_000 - 1 : at;
}
