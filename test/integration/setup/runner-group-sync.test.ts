import { pino } from "pino";
import { Probot, ProbotOctokit } from "probot";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type GitHubEmulator, startGitHubEmulator } from "../../../emulators/src/github/emulator.js";
import { createInstallations } from "../../../src/github/installations.js";
import { createRunnerGroups } from "../../../src/github/runner-groups.js";
import type { Pool } from "../../../src/pool-file.js";
import type { Report } from "../../../src/report/report.js";
import { createRunnerGroupSync, type RunnerGroupSync } from "../../../src/setup/sync-runner-groups.js";

/**
 * The runner-group sync over real Octokit against the GitHub emulator: it creates and updates groups
 * so they admit what the pools allow, is idempotent, follows new repositories, and reports an org whose
 * plan has no runner groups as refused with what to do.
 */
let gh: GitHubEmulator;
let probot: Probot;
let sync: RunnerGroupSync;
const reported: string[] = [];
const ids: Record<string, number> = {};

const allow = (
  orgs: string[],
  repositories: string[],
  visibilities: NonNullable<Pool["allow"]>["visibilities"],
) => ({
  orgs,
  repositories,
  visibilities,
  allowForks: false,
});

beforeAll(async () => {
  gh = await startGitHubEmulator();
  const app = gh.registerApp({ webhookSecret: "s" });
  for (const [name, visibility] of [
    ["api-core", "private"],
    ["api-edge", "internal"],
    ["web", "private"],
    ["docs", "public"],
  ] as const) {
    ids[name] = gh.addRepo({ owner: "acme", name, visibility }).id;
  }
  gh.addRepo({ owner: "tiny", name: "app", visibility: "private" });
  gh.setOrgPlan("tiny", "free");
  gh.installApp(app.id, "acme");
  gh.installApp(app.id, "tiny");
  probot = new Probot({
    appId: app.id,
    privateKey: app.privateKeyPem,
    baseUrl: gh.url,
    log: pino({ level: "silent" }),
    Octokit: ProbotOctokit.defaults((o: Record<string, unknown>) => ({ ...o, retry: { enabled: false } })),
  });
  const auth = (id: number) => probot.auth(id) as never;
  const report: Report = (kind, fields) => {
    reported.push(`${kind} ${fields.message}`);
  };
  sync = createRunnerGroupSync({
    pools: [
      {
        name: "api",
        runnerGroup: "api-runners",
        allow: allow(["acme"], ["acme/api-*"], ["private", "internal"]),
      },
      {
        name: "site",
        runnerGroup: "site",
        allow: allow(["acme"], ["acme/web", "acme/docs"], ["private", "public"]),
      },
      {
        name: "tiny",
        runnerGroup: "tiny-runners",
        allow: allow(["tiny"], ["tiny/*"], ["private", "internal"]),
      },
    ],
    installations: createInstallations({ appOctokit: () => probot.auth() as never, cacheMs: 0 }),
    groups: createRunnerGroups({ auth }),
    report,
  });
});
afterAll(async () => {
  await gh?.stop();
});

async function groupsVisibleTo(repo: string): Promise<string[]> {
  const installations = await (await probot.auth()).request("GET /app/installations");
  const acme = installations.data.find(
    (i) => i.account && "login" in i.account && i.account.login === "acme",
  );
  const octokit = await probot.auth(acme?.id);
  const { data } = await octokit.request("GET /orgs/{org}/actions/runner-groups", {
    org: "acme",
    visible_to_repository: repo,
  });
  return data.runner_groups.map((g) => g.name).sort();
}

describe("runner-group sync over the emulator", () => {
  it("creates each group admitting exactly the repositories its pool allows", async () => {
    const outcomes = await sync.run();
    expect(outcomes.filter((o) => o.org === "acme").map((o) => [o.group, o.status])).toEqual([
      ["api-runners", "changed"],
      ["site", "changed"],
    ]);
    // The emulator's dispatcher routes jobs with the same predicate this filter uses (groupAdmits).
    expect(await groupsVisibleTo("api-core")).toEqual(["Default", "api-runners"]);
    expect(await groupsVisibleTo("api-edge")).toEqual(["Default", "api-runners"]);
    expect(await groupsVisibleTo("web")).toEqual(["Default", "site"]);
    // Public: only the group whose pool admits public repositories.
    expect(await groupsVisibleTo("docs")).toEqual(["site"]);
    expect(reported.filter((r) => r.startsWith("runner-group.changed"))).toHaveLength(2);
  });

  it("a second pass changes nothing", async () => {
    const before = reported.length;
    const outcomes = await sync.run();
    expect(outcomes.filter((o) => o.org === "acme").map((o) => o.status)).toEqual(["ok", "ok"]);
    expect(reported.slice(before).filter((r) => r.startsWith("runner-group.changed"))).toEqual([]);
  });

  it("a new repository matching a pool's pattern is admitted on the next pass", async () => {
    gh.addRepo({ owner: "acme", name: "api-new", visibility: "private" });
    expect(await groupsVisibleTo("api-new")).toEqual(["Default"]);
    const outcomes = await sync.run();
    expect(outcomes.find((o) => o.group === "api-runners")).toMatchObject({ status: "changed" });
    expect(await groupsVisibleTo("api-new")).toEqual(["Default", "api-runners"]);
  });

  it("an org whose plan has no runner groups is refused, with GitHub's answer and what to do", async () => {
    const outcomes = await sync.run();
    const tiny = outcomes.find((o) => o.org === "tiny");
    expect(tiny).toMatchObject({ group: "tiny-runners", status: "refused" });
    expect(tiny?.detail).toContain("HTTP 403");
    expect(tiny?.fix).toMatch(/GitHub Team or Enterprise/);
    expect(reported.some((r) => r.startsWith("runner-group.refused tiny/tiny-runners"))).toBe(true);
    expect(sync.last()).toEqual(outcomes);
  });
});
