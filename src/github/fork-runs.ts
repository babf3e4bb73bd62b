import { realTimers, type TimerHandle, type Timers } from "../time/timers.js";
import { repoParams } from "./repo-params.js";
import type { AuthInstallation } from "./runners.js";
import { translateGitHubError } from "./translate-error.js";

/**
 * Whether a workflow run comes from a fork (DESIGN.md "Policy"): its head repository is a fork, or is not
 * the run's repository. The answer never changes, so it is asked once per run and kept (FIFO-bounded).
 *
 * Asked run by run, a burst of a public repository's jobs costs one GET per run (issue 15: 333 of the
 * burst's 1,462 GitHub calls). So lookups for one repository are gathered: while a look-up for it is in
 * flight, or within the spacing (1 s, up to 4 s in a long burst) of the last one, new questions wait and
 * are answered together by "list
 * workflow runs for a repository" (newest first, 100 a page), which also answers every run it lists for
 * the questions still to come (the same job's `in_progress`, another replica's). A lone question in a
 * quiet repository is one GET of its run, at once. A run the listing does not reach (an old run re-run)
 * is asked by id. Nothing is decided on less than GitHub's own answer about that run id.
 * https://docs.github.com/rest/actions/workflow-runs
 */

export interface ForkRef {
  installationId: number;
  /** owner/name */
  repo: string;
  runId: number;
}

interface RunView {
  id: number;
  head_repository?: { fork?: boolean; full_name?: string } | null;
  repository: { full_name: string };
}

interface Waiter {
  resolve(fork: boolean): void;
  reject(error: unknown): void;
}

interface Group {
  installationId: number;
  repo: string;
  waiting: Map<number, Waiter[]>;
  busy: boolean;
  timer?: TimerHandle;
  lastAt: number;
  /** The spacing now: `spacingMs`, doubled per look-up that answered several questions at once. */
  spacing: number;
}

const CAPACITY = 20_000;

export function createForkRuns(options: {
  auth: AuthInstallation;
  now?: () => number;
  timers?: Timers;
  /**
   * Fewest ms between two look-ups for one repository (default 1,000); it doubles, up to 4×, after each
   * look-up that answered several questions at once (a burst goes on), and is back to this after one
   * that answered a single question.
   */
  spacingMs?: number;
  /** Listing pages read for one batch before the rest are asked by id (default 4). */
  maxPages?: number;
}) {
  const timers = options.timers ?? realTimers;
  const spacingMs = options.spacingMs ?? 1_000;
  const maxPages = options.maxPages ?? 4;
  const known = new Map<string, boolean>();
  const groups = new Map<string, Group>();
  const runKey = (repo: string, runId: number) => `${repo.toLowerCase()}#${runId}`;

  function remember(repo: string, run: RunView): boolean {
    const fork =
      run.head_repository?.fork === true || run.head_repository?.full_name !== run.repository.full_name;
    const key = runKey(repo, run.id);
    if (!known.has(key)) {
      known.set(key, fork);
      if (known.size > CAPACITY) known.delete(known.keys().next().value as string);
    }
    return fork;
  }

  /** Answers every waiter whose run is known now; true when none is left. */
  function settle(group: Group): boolean {
    for (const [runId, waiters] of group.waiting) {
      const fork = known.get(runKey(group.repo, runId));
      if (fork === undefined) continue;
      group.waiting.delete(runId);
      for (const w of waiters) w.resolve(fork);
    }
    return group.waiting.size === 0;
  }

  async function getRun(group: Group, runId: number): Promise<void> {
    const octokit = await options.auth(group.installationId);
    const { data } = await octokit.request("GET /repos/{owner}/{repo}/actions/runs/{run_id}", {
      ...repoParams(group.repo),
      run_id: runId,
    });
    remember(group.repo, { ...(data as RunView), id: runId });
  }

  /** Newest-first pages until every waiting run is listed, or the pages go past the oldest of them. */
  async function listRuns(group: Group): Promise<void> {
    const octokit = await options.auth(group.installationId);
    const oldest = Math.min(...group.waiting.keys());
    for (let page = 1; page <= maxPages; page++) {
      const { data } = await octokit.request("GET /repos/{owner}/{repo}/actions/runs", {
        ...repoParams(group.repo),
        per_page: 100,
        page,
        exclude_pull_requests: true,
      });
      const runs = (data.workflow_runs ?? []) as RunView[];
      for (const run of runs) remember(group.repo, run);
      if (settle(group) || runs.length < 100 || Math.min(...runs.map((r) => r.id)) < oldest) return;
    }
  }

  async function lookUp(group: Group): Promise<void> {
    group.timer = undefined;
    group.busy = true;
    group.lastAt = timers.now();
    const asked = [...group.waiting.keys()];
    const fail = (runIds: readonly number[], error: unknown) => {
      const failure = translateGitHubError(error, options.now) ?? error;
      for (const runId of runIds) {
        for (const w of group.waiting.get(runId) ?? []) w.reject(failure);
        group.waiting.delete(runId);
      }
    };
    try {
      if (asked.length > 1) await listRuns(group);
      // What the listing did not reach, and a lone question, are asked by id; one run's error is its own.
      for (const runId of asked) {
        if (!group.waiting.has(runId)) continue;
        await getRun(group, runId).catch((error: unknown) => fail([runId], error));
      }
      settle(group);
    } catch (error) {
      fail(asked, error);
    } finally {
      group.busy = false;
      group.spacing = asked.length > 1 ? Math.min(group.spacing * 2, spacingMs * 4) : spacingMs;
      schedule(group);
    }
  }

  function schedule(group: Group): void {
    if (group.busy || group.timer || group.waiting.size === 0) return;
    const wait = group.lastAt + group.spacing - timers.now();
    if (wait <= 0) void lookUp(group);
    else group.timer = timers.setTimeout(() => void lookUp(group), wait);
  }

  return {
    isForkRun(ref: ForkRef): Promise<boolean> {
      const fork = known.get(runKey(ref.repo, ref.runId));
      if (fork !== undefined) return Promise.resolve(fork);
      const key = `${ref.installationId}:${ref.repo.toLowerCase()}`;
      let group = groups.get(key);
      if (!group) {
        group = {
          installationId: ref.installationId,
          repo: ref.repo,
          waiting: new Map(),
          busy: false,
          lastAt: Number.NEGATIVE_INFINITY,
          spacing: spacingMs,
        };
        groups.set(key, group);
      }
      const g = group;
      return new Promise<boolean>((resolve, reject) => {
        g.waiting.set(ref.runId, [...(g.waiting.get(ref.runId) ?? []), { resolve, reject }]);
        schedule(g);
      });
    },
  };
}
