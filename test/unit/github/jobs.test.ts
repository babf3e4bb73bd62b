import { describe, expect, it } from "vitest";
import { createGitHubJobs } from "../../../src/github/jobs.js";

type Auth = Parameters<typeof createGitHubJobs>[0]["auth"];

/** An Octokit stand-in that answers GET run with the given head repository and counts requests. */
function fakeAuth(headRepo: { full_name: string; fork: boolean }) {
  const requests: string[] = [];
  const octokit = {
    request: async (route: string, params: { run_id: number }) => {
      requests.push(`${route} ${params.run_id}`);
      return { data: { head_repository: headRepo, repository: { full_name: "acme/api" } } };
    },
  };
  return { auth: (async () => octokit) as unknown as Auth, requests };
}

describe("GitHub jobs adapter: isForkRun", () => {
  it.each([
    ["a run from the repository itself", { full_name: "acme/api", fork: false }, false],
    ["a run from a fork", { full_name: "someone/api", fork: true }, true],
    ["a run from a renamed fork not flagged as one", { full_name: "someone/api", fork: false }, true],
  ])("%s: fork = %s, and asked once per run", async (_, head, fork) => {
    const { auth, requests } = fakeAuth(head);
    const jobs = createGitHubJobs({ auth });
    const ref = { installationId: 1, repo: "acme/api", runId: 7 };
    expect(await jobs.isForkRun(ref)).toBe(fork);
    expect(await jobs.isForkRun(ref)).toBe(fork);
    expect(requests).toEqual(["GET /repos/{owner}/{repo}/actions/runs/{run_id} 7"]);
    await jobs.isForkRun({ ...ref, runId: 8 });
    expect(requests).toHaveLength(2);
  });
});
