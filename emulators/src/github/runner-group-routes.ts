import { repository } from "./account-shapes.js";
import { runnerGroupShape } from "./actions-shapes.js";
import type { ApiDeps } from "./api-deps.js";
import { notFound } from "./api-error.js";
import { requireOrgAccess } from "./auth.js";
import { groupAdmits } from "./job-routing.js";
import { paginate } from "./pagination.js";
import type { OrgRecord } from "./records.js";
import type { Route, RouteContext } from "./router.js";

/**
 * Organization runner groups (read side; runner-group-writes.ts has the writes), and the
 * installation's repository list that a group's `selected_repository_ids` refer to. Every org has "Default" (id 1, visibility all, public
 * repositories not allowed).
 * https://docs.github.com/rest/actions/self-hosted-runner-groups
 */

const DOCS = "https://docs.github.com/rest/actions/self-hosted-runner-groups";

export function runnerGroupRoutes(deps: ApiDeps): Route[] {
  const { world } = deps;
  const orgFor = (ctx: RouteContext): OrgRecord => {
    const org = world.org(ctx.params.org ?? "");
    if (!org) throw notFound();
    requireOrgAccess(ctx.caller, org, "organization_self_hosted_runners", "read");
    return org;
  };

  return [
    {
      method: "GET",
      template: "/orgs/{org}/actions/runner-groups",
      docs: `${DOCS}#list-self-hosted-runner-groups-for-an-organization`,
      auth: "any",
      handler: (ctx) => {
        const org = orgFor(ctx);
        const visibleTo = ctx.query.get("visible_to_repository");
        const repo = visibleTo === null ? undefined : world.repo(org.login, visibleTo);
        if (visibleTo !== null && !repo) throw notFound();
        const all = world.groupsOf(org).filter((g) => !repo || groupAdmits(g, repo));
        const { page, headers } = paginate(all, ctx.query, ctx.selfUrl);
        return {
          status: 200,
          body: { total_count: all.length, runner_groups: page.map((g) => runnerGroupShape(ctx.apiBase, g)) },
          headers,
        };
      },
    },
    {
      method: "GET",
      template: "/orgs/{org}/actions/runner-groups/{runner_group_id}",
      docs: `${DOCS}#get-a-self-hosted-runner-group-for-an-organization`,
      auth: "any",
      handler: (ctx) => {
        const org = orgFor(ctx);
        const raw = ctx.params.runner_group_id ?? "";
        const group = /^\d+$/.test(raw) ? world.group(org, Number(raw)) : undefined;
        if (!group) throw notFound();
        return { status: 200, body: runnerGroupShape(ctx.apiBase, group) };
      },
    },
    {
      method: "GET",
      template: "/orgs/{org}/actions/runner-groups/{runner_group_id}/repositories",
      docs: `${DOCS}#list-repository-access-to-a-self-hosted-runner-group-in-an-organization`,
      auth: "any",
      handler: (ctx) => {
        const org = orgFor(ctx);
        const raw = ctx.params.runner_group_id ?? "";
        const group = /^\d+$/.test(raw) ? world.group(org, Number(raw)) : undefined;
        if (!group) throw notFound();
        const repos = [...world.repos.values()]
          .filter((r) => r.org === org && group.selectedRepositories.has(r.name.toLowerCase()))
          .sort((a, b) => a.id - b.id);
        const { page, headers } = paginate(repos, ctx.query, ctx.selfUrl);
        return {
          status: 200,
          body: { total_count: repos.length, repositories: page.map((r) => repository(ctx.apiBase, r)) },
          headers,
        };
      },
    },
    {
      // The emulator installs apps on every repository of the org (repository_selection "all").
      method: "GET",
      template: "/installation/repositories",
      docs: "https://docs.github.com/rest/apps/installations#list-repositories-accessible-to-the-app-installation",
      auth: "any",
      handler: (ctx) => {
        if (ctx.caller.kind !== "installation") throw notFound();
        const org = ctx.caller.installation.org;
        const repos = [...world.repos.values()].filter((r) => r.org === org).sort((a, b) => a.id - b.id);
        const { page, headers } = paginate(repos, ctx.query, ctx.selfUrl);
        return {
          status: 200,
          body: {
            total_count: repos.length,
            repository_selection: "all",
            repositories: page.map((r) => repository(ctx.apiBase, r)),
          },
          headers,
        };
      },
    },
  ];
}
