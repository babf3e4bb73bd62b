import { appShape, installationShape } from "./account-shapes.js";
import type { ApiDeps } from "./api-deps.js";
import { ApiError, notFound } from "./api-error.js";
import { requireApp } from "./auth.js";
import { githubToken, isoSeconds } from "./ids.js";
import { paginate } from "./pagination.js";
import type { AppRecord, InstallationRecord } from "./records.js";
import type { Route } from "./router.js";

/**
 * App-level endpoints (App JWT) and installation tokens.
 * https://docs.github.com/rest/apps/apps
 */

const DOCS = "https://docs.github.com/rest/apps/apps";
const TOKEN_TTL_MS = 3_600_000;

export function appRoutes(deps: ApiDeps): Route[] {
  const { world } = deps;
  const installationOf = (app: AppRecord, raw: string | undefined): InstallationRecord => {
    const installation = /^\d+$/.test(raw ?? "") ? world.installations.get(Number(raw)) : undefined;
    if (!installation || installation.app !== app) throw notFound();
    return installation;
  };

  return [
    {
      method: "GET",
      template: "/app",
      docs: `${DOCS}#get-the-authenticated-app`,
      auth: "app",
      handler: (ctx) => ({ status: 200, body: appShape(ctx.apiBase, requireApp(ctx.caller), undefined) }),
    },
    {
      method: "GET",
      template: "/app/installations",
      docs: `${DOCS}#list-installations-for-the-authenticated-app`,
      auth: "app",
      handler: (ctx) => {
        const app = requireApp(ctx.caller);
        const all = [...world.installations.values()].filter((i) => i.app === app);
        const { page, headers } = paginate(all, ctx.query, ctx.selfUrl);
        return { status: 200, body: page.map((i) => installationShape(ctx.apiBase, i)), headers };
      },
    },
    {
      method: "GET",
      template: "/app/installations/{installation_id}",
      docs: `${DOCS}#get-an-installation-for-the-authenticated-app`,
      auth: "app",
      handler: (ctx) => ({
        status: 200,
        body: installationShape(
          ctx.apiBase,
          installationOf(requireApp(ctx.caller), ctx.params.installation_id),
        ),
      }),
    },
    {
      method: "POST",
      template: "/app/installations/{installation_id}/access_tokens",
      docs: `${DOCS}#create-an-installation-access-token-for-an-app`,
      auth: "app",
      handler: (ctx) => {
        const installation = installationOf(requireApp(ctx.caller), ctx.params.installation_id);
        const permissions = requestedPermissions(ctx.body.permissions, installation.permissions);
        const token = githubToken("ghs");
        const expiresAt = deps.now() + TOKEN_TTL_MS;
        world.tokens.set(token, { kind: "installation", token, installation, expiresAt, permissions });
        const selected = Array.isArray(ctx.body.repositories) || Array.isArray(ctx.body.repository_ids);
        return {
          status: 201,
          body: {
            token,
            expires_at: isoSeconds(expiresAt),
            permissions,
            repository_selection: selected ? "selected" : "all",
          },
        };
      },
    },
    {
      method: "GET",
      template: "/orgs/{org}/installation",
      docs: `${DOCS}#get-an-organization-installation-for-the-authenticated-app`,
      auth: "app",
      handler: (ctx) => {
        const app = requireApp(ctx.caller);
        const org = world.org(ctx.params.org ?? "");
        const installation = org && world.installationFor(app, org);
        if (!installation) throw notFound();
        return { status: 200, body: installationShape(ctx.apiBase, installation) };
      },
    },
    {
      method: "GET",
      template: "/repos/{owner}/{repo}/installation",
      docs: `${DOCS}#get-a-repository-installation-for-the-authenticated-app`,
      auth: "app",
      handler: (ctx) => {
        const app = requireApp(ctx.caller);
        const repo = world.repo(ctx.params.owner ?? "", ctx.params.repo ?? "");
        const installation = repo && world.installationFor(app, repo.org);
        if (!installation) throw notFound();
        return { status: 200, body: installationShape(ctx.apiBase, installation) };
      },
    },
    {
      method: "GET",
      template: "/rate_limit",
      docs: "https://docs.github.com/rest/rate-limit/rate-limit#get-rate-limit-status-for-the-authenticated-user",
      auth: "any",
      handler: (ctx) => {
        const core = deps.limiter.status(ctx.caller.key, ctx.caller.kind === "anonymous");
        return {
          status: 200,
          body: { resources: { core: { ...core, resource: "core" } }, rate: { ...core, resource: "core" } },
        };
      },
    },
  ];
}

/** A token may ask for less than the installation has, never more. */
function requestedPermissions(requested: unknown, granted: Record<string, string>): Record<string, string> {
  if (requested === undefined) return { ...granted };
  if (!requested || typeof requested !== "object" || Array.isArray(requested)) {
    throw new ApiError(422, "Invalid request.\n\nFor 'properties/permissions', it is not an object.");
  }
  const rank = (level: string | undefined) =>
    level === "write" || level === "admin" ? 2 : level === "read" ? 1 : 0;
  for (const [name, level] of Object.entries(requested)) {
    if (typeof level !== "string" || rank(level) === 0 || rank(level) > rank(granted[name])) {
      throw new ApiError(422, "The permissions requested are not granted to this installation.");
    }
  }
  return { ...(requested as Record<string, string>) };
}
