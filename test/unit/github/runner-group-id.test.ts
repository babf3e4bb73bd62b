import { describe, expect, it } from "vitest";
import { ConfigError } from "../../../src/errors.js";
import { createGitHubRunners } from "../../../src/github/runners.js";

type Auth = Parameters<typeof createGitHubRunners>[0]["auth"];

/** An org with the given runner groups; every listing is counted. */
function fakeOrg(names: string[]) {
  let listings = 0;
  const octokit = {
    paginate: async (route: string) => {
      expect(route).toBe("GET /orgs/{org}/actions/runner-groups");
      listings++;
      return names.map((name, i) => ({ id: i + 1, name }));
    },
  };
  return { auth: (async () => octokit) as unknown as Auth, listings: () => listings, names };
}

describe("runner group ids", () => {
  it("one listing of the org's groups serves every pool's group name, concurrent callers included", async () => {
    const org = fakeOrg(["Default", "large-runners", "public-oss"]);
    const runners = createGitHubRunners({ auth: org.auth });
    const ref = { installationId: 1, org: "acme" };
    const ids = await Promise.all([
      runners.runnerGroupId(ref, "large-runners"),
      runners.runnerGroupId(ref, "public-oss"),
      runners.runnerGroupId(ref, "Default"),
      runners.runnerGroupId(ref, "LARGE-RUNNERS"),
    ]);
    expect(ids).toEqual([2, 3, 1, 2]);
    expect(org.listings()).toBe(1);
  });

  it("a group that does not exist is a config error naming it, and is listed again on the next attempt", async () => {
    const org = fakeOrg(["Default"]);
    const runners = createGitHubRunners({ auth: org.auth });
    const ref = { installationId: 1, org: "acme" };
    const error = await runners.runnerGroupId(ref, "gpu").catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConfigError);
    expect(String((error as Error).message)).toMatch(/gpu.*acme|acme.*gpu/);
    org.names.push("gpu");
    expect(await runners.runnerGroupId(ref, "gpu")).toBe(2);
    expect(org.listings()).toBe(2);
  });

  it("lists again once the cache is older than groupCacheMs", async () => {
    const org = fakeOrg(["Default"]);
    let now = 0;
    const runners = createGitHubRunners({ auth: org.auth, groupCacheMs: 1_000, now: () => now });
    const ref = { installationId: 1, org: "acme" };
    await runners.runnerGroupId(ref, "Default");
    now = 999;
    await runners.runnerGroupId(ref, "Default");
    now = 1_000;
    await runners.runnerGroupId(ref, "Default");
    expect(org.listings()).toBe(2);
  });
});
