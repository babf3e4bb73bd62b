import { installationShape, privateUser, simpleOrg, simpleUser } from "./account-shapes.js";
import type { ApiDeps } from "./api-deps.js";
import { notAccessible, notFound, requiresAuthentication } from "./api-error.js";
import { requireUser } from "./auth.js";
import { paginate } from "./pagination.js";
import type { Route } from "./router.js";

/**
 * Endpoints the dashboard calls with a user-to-server token (`ghu_…`) after the OAuth web flow.
 * https://docs.github.com/rest/users/users, https://docs.github.com/rest/orgs/members,
 * https://docs.github.com/rest/teams/members
 */

export function userRoutes(deps: ApiDeps): Route[] {
  const { world } = deps;
  return [
    {
      method: "GET",
      template: "/user",
      docs: "https://docs.github.com/rest/users/users#get-the-authenticated-user",
      auth: "user",
      handler: (ctx) => ({ status: 200, body: privateUser(ctx.apiBase, requireUser(ctx.caller).user) }),
    },
    {
      method: "GET",
      template: "/user/installations",
      docs: "https://docs.github.com/rest/apps/installations#list-app-installations-accessible-to-the-user-access-token",
      auth: "user",
      handler: (ctx) => {
        const { user, app } = requireUser(ctx.caller);
        const all = [...world.installations.values()].filter(
          (i) => i.app === app && user.orgs.has(i.org.login.toLowerCase()),
        );
        const { page, headers } = paginate(all, ctx.query, ctx.selfUrl);
        return {
          status: 200,
          body: {
            total_count: all.length,
            installations: page.map((i) => installationShape(ctx.apiBase, i)),
          },
          headers,
        };
      },
    },
    {
      method: "GET",
      template: "/user/memberships/orgs/{org}",
      docs: "https://docs.github.com/rest/orgs/members#get-an-organization-membership-for-the-authenticated-user",
      auth: "user",
      handler: (ctx) => {
        const { user } = requireUser(ctx.caller);
        const org = world.org(ctx.params.org ?? "");
        const role = org && user.orgs.get(org.login.toLowerCase());
        if (!org || !role) throw notFound();
        return {
          status: 200,
          body: {
            url: `${ctx.apiBase}/orgs/${org.login}/memberships/${user.login}`,
            state: "active",
            role,
            organization_url: `${ctx.apiBase}/orgs/${org.login}`,
            organization: simpleOrg(ctx.apiBase, org),
            user: simpleUser(ctx.apiBase, user),
          },
        };
      },
    },
    {
      method: "GET",
      template: "/orgs/{org}/teams/{team_slug}/memberships/{username}",
      docs: "https://docs.github.com/rest/teams/members#get-team-membership-for-a-user",
      auth: "any",
      handler: (ctx) => {
        const org = world.org(ctx.params.org ?? "");
        if (!org) throw notFound();
        const { caller } = ctx;
        if (caller.kind === "anonymous") throw requiresAuthentication();
        // The caller must see the org: a member (user token) or an installation on it.
        const visible =
          (caller.kind === "user" && caller.user.orgs.has(org.login.toLowerCase())) ||
          (caller.kind === "installation" && caller.installation.org === org);
        if (!visible) throw caller.kind === "user" ? notFound() : notAccessible("members=read");
        const member = world.user(ctx.params.username ?? "");
        const team = `${org.login}/${ctx.params.team_slug ?? ""}`.toLowerCase();
        if (!member?.teams.has(team)) throw notFound();
        return {
          status: 200,
          body: {
            url: `${ctx.apiBase}/organizations/${org.id}/team/${ctx.params.team_slug}/memberships/${member.login}`,
            role: "member",
            state: "active",
          },
        };
      },
    },
  ];
}
