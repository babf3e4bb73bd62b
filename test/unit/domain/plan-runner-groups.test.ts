import { describe, expect, it } from "vitest";
import {
  type ExistingGroup,
  type OrgRepo,
  planRunnerGroups,
  type RunnerGroupPool,
} from "../../../src/domain/plan-runner-groups.js";

const REPOS: OrgRepo[] = [
  { id: 11, fullName: "acme/api-core", visibility: "private" },
  { id: 12, fullName: "acme/api-edge", visibility: "internal" },
  { id: 13, fullName: "acme/web", visibility: "private" },
  { id: 14, fullName: "acme/docs", visibility: "public" },
  { id: 15, fullName: "acme/API-public", visibility: "public" },
];
const DEFAULT: ExistingGroup = {
  id: 1,
  name: "Default",
  visibility: "all",
  selectedRepositoryIds: [],
  allowsPublicRepositories: false,
  isDefault: true,
};
const group = (over: Partial<ExistingGroup>): ExistingGroup => ({
  ...DEFAULT,
  id: 7,
  isDefault: false,
  ...over,
});
const pool = (
  name: string,
  runnerGroup: string,
  repositories: string[],
  visibilities: ("private" | "internal" | "public")[] = ["private", "internal"],
  orgs = ["acme"],
): RunnerGroupPool => ({ name, runnerGroup, allow: { orgs, repositories, visibilities, allowForks: false } });

describe("planRunnerGroups", () => {
  it.each([
    {
      name: "creates a missing group for repository patterns, resolved against the org's list",
      pools: [pool("api", "api-runners", ["acme/api-*"])],
      existing: [DEFAULT],
      want: {
        kind: "create",
        name: "api-runners",
        visibility: "selected",
        selectedRepositoryIds: [11, 12],
        allowsPublicRepositories: false,
      },
    },
    {
      name: "a pool admitting public repositories creates a group that allows them",
      pools: [pool("api", "api-runners", ["acme/api-*"], ["private", "public"])],
      existing: [DEFAULT],
      want: {
        kind: "create",
        visibility: "selected",
        selectedRepositoryIds: [11, 15],
        allowsPublicRepositories: true,
      },
    },
    {
      name: "a pool admitting every repository of the org gets visibility all",
      pools: [pool("any", "mayfly", ["acme/*"])],
      existing: [DEFAULT],
      want: { kind: "create", visibility: "all", selectedRepositoryIds: [], allowsPublicRepositories: false },
    },
    {
      name: "*/* with public too: all, public allowed",
      pools: [pool("any", "mayfly", ["*/*"], ["private", "internal", "public"])],
      existing: [DEFAULT],
      want: { kind: "create", visibility: "all", allowsPublicRepositories: true },
    },
    {
      name: "acme/* but only private: selected (internal repositories stay out)",
      pools: [pool("p", "mayfly", ["acme/*"], ["private"])],
      existing: [DEFAULT],
      want: { kind: "create", visibility: "selected", selectedRepositoryIds: [11, 13] },
    },
    {
      name: "keeps a group that already matches (names compare case-insensitively)",
      pools: [pool("api", "API-Runners", ["acme/api-*"])],
      existing: [
        DEFAULT,
        group({ name: "api-runners", visibility: "selected", selectedRepositoryIds: [12, 11] }),
      ],
      want: { kind: "keep", id: 7, name: "api-runners" },
    },
    {
      name: "updates visibility and public access",
      pools: [pool("api", "mayfly", ["acme/*"])],
      existing: [DEFAULT, group({ name: "mayfly", visibility: "selected", allowsPublicRepositories: true })],
      want: {
        kind: "update",
        id: 7,
        patch: { visibility: "all", allowsPublicRepositories: false },
      },
    },
    {
      name: "updates only the repositories when visibility already matches",
      pools: [pool("api", "mayfly", ["acme/api-*", "acme/web"])],
      existing: [DEFAULT, group({ name: "mayfly", visibility: "selected", selectedRepositoryIds: [11] })],
      want: { kind: "update", selectedRepositoryIds: [11, 12, 13] },
    },
    {
      name: "never narrows the Default group (other runners use it), and says how to restrict the pool",
      pools: [pool("web", "Default", ["acme/web"])],
      existing: [DEFAULT],
      want: {
        kind: "keep",
        id: 1,
        name: "Default",
        reason: expect.stringContaining("runnerGroup of their own"),
      },
    },
    {
      name: "leaves the Default group alone when its pool admits the whole org",
      pools: [pool("all", "Default", ["acme/*"])],
      existing: [DEFAULT],
      want: { kind: "keep", id: 1 },
    },
    {
      name: "a pattern that matches nothing gives a selected group with no repositories",
      pools: [pool("none", "mayfly", ["acme/nothing-*"])],
      existing: [DEFAULT],
      want: { kind: "create", visibility: "selected", selectedRepositoryIds: [] },
    },
  ])("$name", ({ pools, existing, want }) => {
    const [action, ...rest] = planRunnerGroups(pools, "acme", REPOS, existing);
    expect(rest).toEqual([]);
    expect(action).toMatchObject(want);
  });

  it.each([
    {
      change: "visibility only",
      have: { visibility: "selected" as const },
      pattern: "acme/*",
      absent: "selectedRepositoryIds",
    },
    {
      change: "repositories only",
      have: { visibility: "selected" as const, selectedRepositoryIds: [11] },
      pattern: "acme/api-*",
      absent: "patch",
    },
  ])("an update of $change leaves the other call out", ({ have, pattern, absent }) => {
    const [action] = planRunnerGroups([pool("p", "mayfly", [pattern])], "acme", REPOS, [
      group({ name: "mayfly", ...have }),
    ]);
    expect(action?.kind).toBe("update");
    expect(action).not.toHaveProperty(absent);
  });

  it("a pool admitting the whole org makes a shared group all, as the union is (new repositories too)", () => {
    const pools = [pool("small", "Default", ["acme/*"]), pool("large", "Default", ["acme/api-core"])];
    expect(planRunnerGroups(pools, "acme", REPOS, [DEFAULT])).toEqual([
      expect.objectContaining({ kind: "keep", id: 1 }),
    ]);
  });

  it("two pools in one group: the group admits the union of what they allow", () => {
    const pools = [pool("api", "shared", ["acme/api-*"]), pool("docs", "shared", ["acme/docs"], ["public"])];
    expect(planRunnerGroups(pools, "acme", REPOS, [DEFAULT])).toEqual([
      expect.objectContaining({
        kind: "create",
        name: "shared",
        pools: ["api", "docs"],
        visibility: "selected",
        selectedRepositoryIds: [11, 12, 14],
        allowsPublicRepositories: true,
      }),
    ]);
  });

  it.each([
    { name: "another org's pool", pools: [pool("x", "mayfly", ["other/*"], ["private"], ["other"])] },
    { name: "a pool with no allow block", pools: [{ name: "closed", runnerGroup: "mayfly" }] },
  ])("plans nothing for $name", ({ pools }) => {
    expect(planRunnerGroups(pools, "acme", REPOS, [DEFAULT])).toEqual([]);
  });
});
