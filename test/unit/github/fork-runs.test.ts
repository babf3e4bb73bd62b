import { describe, expect, it } from "vitest";
import { createForkRuns } from "../../../src/github/fork-runs.js";
import { ManualTimers } from "../../helpers/manual-timers.js";

type Auth = Parameters<typeof createForkRuns>[0]["auth"];
type Head = { full_name: string; fork: boolean } | null;

const SELF: Head = { full_name: "acme/web", fork: false };
const FORK: Head = { full_name: "mallory/web", fork: true };

/**
 * A GitHub stand-in for one repository's runs (id → head repository), newest first in pages of 100, that
 * records every request; `failGet` makes GET of that run answer 404.
 */
function fakeGitHub(runs: Map<number, Head>, failGet = new Set<number>(), now: () => number = () => 0) {
  const requests: string[] = [];
  /** When each request was made, on `now`. */
  const times: number[] = [];
  const view = (id: number) => ({ id, head_repository: runs.get(id), repository: { full_name: "acme/web" } });
  const octokit = {
    request: async (route: string, params: { run_id?: number; page?: number; per_page?: number }) => {
      times.push(now());
      if (route.endsWith("{run_id}")) {
        requests.push(`GET run ${params.run_id}`);
        if (failGet.has(params.run_id ?? 0) || !runs.has(params.run_id ?? 0)) {
          throw Object.assign(new Error("Not Found"), { status: 404 });
        }
        return { data: view(params.run_id ?? 0) };
      }
      requests.push(`LIST page ${params.page}`);
      const ids = [...runs.keys()].sort((a, b) => b - a);
      const page = ids.slice(((params.page ?? 1) - 1) * 100, (params.page ?? 1) * 100);
      return { data: { total_count: ids.length, workflow_runs: page.map(view) } };
    },
  };
  return { auth: (async () => octokit) as unknown as Auth, requests, times };
}

const ref = (runId: number) => ({ installationId: 1, repo: "acme/web", runId });
const runsOf = (n: number, head: (id: number) => Head = () => SELF) =>
  new Map(Array.from({ length: n }, (_, i) => [i + 1, head(i + 1)] as const));

describe("fork runs: whether a run comes from a fork, asked together", () => {
  it.each([
    ["its own branch", SELF, false],
    ["a fork", FORK, true],
    ["a renamed fork GitHub does not flag", { full_name: "mallory/web", fork: false }, true],
    ["a deleted fork (no head repository)", null, true],
  ] as const)(
    "a lone question about a run from %s: one GET, answer %s, then known",
    async (_, head, fork) => {
      const timers = new ManualTimers();
      const { auth, requests } = fakeGitHub(new Map([[7, head]]));
      const forks = createForkRuns({ auth, timers });
      expect(await forks.isForkRun(ref(7))).toBe(fork);
      expect(await forks.isForkRun(ref(7))).toBe(fork);
      expect(requests).toEqual(["GET run 7"]);
    },
  );

  it("a burst of questions about one repository costs a few listings, not one GET per run", async () => {
    const timers = new ManualTimers();
    const runs = runsOf(300, (id) => (id % 3 === 0 ? FORK : SELF));
    const { auth, requests } = fakeGitHub(runs);
    const forks = createForkRuns({ auth, timers });
    const answers = [...runs.keys()].map((id) =>
      forks.isForkRun(ref(id)).then((fork) => [id, fork] as const),
    );
    await timers.advance(5_000);
    const settled = await Promise.all(answers);
    expect(settled.every(([id, fork]) => fork === (id % 3 === 0))).toBe(true);
    // The first question at once by id; the 299 that waited meanwhile in one listing of 3 pages.
    expect(requests).toEqual(["GET run 1", "LIST page 1", "LIST page 2", "LIST page 3"]);
  });

  it("questions that keep coming: look-ups 1 s apart, then 2 s, then 4 s; back to 1 s once quiet", async () => {
    const timers = new ManualTimers();
    const start = timers.now();
    const runs = new Map<number, Head>();
    const { auth, requests, times } = fakeGitHub(runs, new Set(), () => timers.now() - start);
    const forks = createForkRuns({ auth, timers, spacingMs: 1_000 });
    const answers: Promise<boolean>[] = [];
    for (let id = 1; id <= 100; id++) {
      runs.set(id, SELF); // the run exists just before its job's webhook asks about it
      answers.push(forks.isForkRun(ref(id)));
      await timers.advance(100); // 10 new runs a second for 10 s
    }
    await timers.advance(5_000);
    expect(await Promise.all(answers)).toEqual(Array(100).fill(false));
    expect(times).toEqual([0, 1_000, 3_000, 7_000, 11_000]);
    // Quiet again: a lone question is asked at once.
    await timers.advance(10_000);
    runs.set(150, SELF);
    const lone = forks.isForkRun(ref(150));
    await timers.advance(0);
    expect(await lone).toBe(false);
    expect(requests.at(-1)).toBe("GET run 150");
  });

  it("a run the listing does not reach is asked by id, and its error is its own", async () => {
    const timers = new ManualTimers();
    const runs = runsOf(500);
    const { auth, requests } = fakeGitHub(runs, new Set([2]));
    const forks = createForkRuns({ auth, timers, maxPages: 2 });
    const first = forks.isForkRun(ref(500));
    const old = forks.isForkRun(ref(1)); // 5 pages back: past maxPages
    const gone = forks.isForkRun(ref(2)).catch((error: Error) => error.message);
    const recent = forks.isForkRun(ref(450));
    await timers.advance(3_000);
    expect(await first).toBe(false);
    expect(await recent).toBe(false);
    expect(await old).toBe(false);
    expect(await gone).toMatch(/not found/i);
    expect(requests).toEqual(["GET run 500", "LIST page 1", "LIST page 2", "GET run 1", "GET run 2"]);
  });

  it("a failed listing fails the questions it carried, and the next question asks again", async () => {
    const timers = new ManualTimers();
    let down = true;
    const requests: string[] = [];
    const octokit = {
      request: async (route: string) => {
        requests.push(route);
        if (down) throw Object.assign(new Error("Service Unavailable"), { status: 503 });
        return { data: { id: 9, head_repository: FORK, repository: { full_name: "acme/web" } } };
      },
    };
    const forks = createForkRuns({ auth: (async () => octokit) as unknown as Auth, timers });
    await expect(forks.isForkRun(ref(9))).rejects.toThrow();
    down = false;
    const again = forks.isForkRun(ref(9));
    await timers.advance(1_000);
    expect(await again).toBe(true);
    expect(requests).toHaveLength(2);
  });
});
