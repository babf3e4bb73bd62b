import { runnerGroupShape } from "./actions-shapes.js";
import type { ApiDeps } from "./api-deps.js";
import { ApiError, invalidRequest, notFound, validationFailed } from "./api-error.js";
import { requireOrgAccess } from "./auth.js";
import type { OrgRecord, RunnerGroupRecord } from "./records.js";
import type { Route, RouteContext } from "./router.js";
import type { RunnerGroupVisibility } from "./types.js";

/**
 * Organization runner groups (write side): create, update, set the selected repositories.
 * https://docs.github.com/rest/actions/self-hosted-runner-groups
 *
 * The inconvenient parts modelled: an org on the free plan cannot create or change groups (GitHub
 * Team or Enterprise has them; the exact wording GitHub uses is not documented, so this message is
 * ours); Default cannot be renamed; repository ids must be the org's; names are unique per org
 * (case-insensitive).
 */

const DOCS = "https://docs.github.com/rest/actions/self-hosted-runner-groups";
const VISIBILITIES: readonly RunnerGroupVisibility[] = ["all", "selected", "private"];

export function runnerGroupWriteRoutes(deps: ApiDeps): Route[] {
  const { world } = deps;
  const orgFor = (ctx: RouteContext): OrgRecord => {
    const org = world.org(ctx.params.org ?? "");
    if (!org) throw notFound();
    requireOrgAccess(ctx.caller, org, "organization_self_hosted_runners", "write");
    if (org.plan === "free") {
      throw new ApiError(
        403,
        "Runner groups are only available on GitHub Team and GitHub Enterprise plans.",
        {
          documentationUrl: "https://docs.github.com/actions/concepts/runners/runner-groups",
        },
      );
    }
    return org;
  };
  const groupFor = (ctx: RouteContext, org: OrgRecord): RunnerGroupRecord => {
    const raw = ctx.params.runner_group_id ?? "";
    const group = /^\d+$/.test(raw) ? world.group(org, Number(raw)) : undefined;
    if (!group) throw notFound();
    return group;
  };
  /** Repository ids → lower-cased names; an id that is not one of the org's repositories is refused. */
  const repoNames = (org: OrgRecord, raw: unknown): Set<string> => {
    if (!Array.isArray(raw) || raw.some((id) => !Number.isInteger(id))) {
      throw invalidRequest(
        `For 'properties/selected_repository_ids', ${JSON.stringify(raw)} is not an array of integers.`,
      );
    }
    const byId = new Map([...world.repos.values()].filter((r) => r.org === org).map((r) => [r.id, r]));
    const names = new Set<string>();
    for (const id of raw as number[]) {
      const repo = byId.get(id);
      if (!repo)
        throw validationFailed([
          { resource: "RunnerGroup", field: "selected_repository_ids", code: "invalid" },
        ]);
      names.add(repo.name.toLowerCase());
    }
    return names;
  };
  const visibilityOf = (raw: unknown): RunnerGroupVisibility => {
    if (!VISIBILITIES.includes(raw as RunnerGroupVisibility)) {
      throw invalidRequest(
        `For 'properties/visibility', ${JSON.stringify(raw)} is not one of ${VISIBILITIES.join(", ")}.`,
      );
    }
    return raw as RunnerGroupVisibility;
  };
  const booleanOf = (raw: unknown, field: string): boolean => {
    if (typeof raw !== "boolean")
      throw invalidRequest(`For 'properties/${field}', ${JSON.stringify(raw)} is not a boolean.`);
    return raw;
  };
  const nameTaken = (org: OrgRecord, name: string, except?: RunnerGroupRecord) =>
    world.groupsOf(org).some((g) => g !== except && g.name.toLowerCase() === name.toLowerCase());

  return [
    {
      method: "POST",
      template: "/orgs/{org}/actions/runner-groups",
      docs: `${DOCS}#create-a-self-hosted-runner-group-for-an-organization`,
      auth: "any",
      handler: (ctx) => {
        const org = orgFor(ctx);
        const { name, visibility, selected_repository_ids: ids, allows_public_repositories: pub } = ctx.body;
        if (typeof name !== "string" || name.trim() === "") throw invalidRequest(`"name" wasn't supplied.`);
        if (nameTaken(org, name)) {
          throw validationFailed([{ resource: "RunnerGroup", field: "name", code: "already_exists" }]);
        }
        const group = world.addRunnerGroup(org.login, {
          name,
          visibility: visibility === undefined ? "all" : visibilityOf(visibility),
          allowsPublicRepositories: pub === undefined ? false : booleanOf(pub, "allows_public_repositories"),
        });
        if (ids !== undefined) group.selectedRepositories = repoNames(org, ids);
        return { status: 201, body: runnerGroupShape(ctx.apiBase, group) };
      },
    },
    {
      method: "PATCH",
      template: "/orgs/{org}/actions/runner-groups/{runner_group_id}",
      docs: `${DOCS}#update-a-self-hosted-runner-group-for-an-organization`,
      auth: "any",
      handler: (ctx) => {
        const org = orgFor(ctx);
        const group = groupFor(ctx, org);
        const { name, visibility, allows_public_repositories: pub } = ctx.body;
        if (name !== undefined) {
          if (typeof name !== "string" || name.trim() === "")
            throw invalidRequest(`"name" must be a string.`);
          if (group.isDefault && name !== group.name) {
            throw validationFailed([{ resource: "RunnerGroup", field: "name", code: "invalid" }]);
          }
          if (nameTaken(org, name, group)) {
            throw validationFailed([{ resource: "RunnerGroup", field: "name", code: "already_exists" }]);
          }
        }
        const next = {
          visibility: visibility === undefined ? group.visibility : visibilityOf(visibility),
          allows:
            pub === undefined ? group.allowsPublicRepositories : booleanOf(pub, "allows_public_repositories"),
        };
        if (typeof name === "string") group.name = name;
        group.visibility = next.visibility;
        group.allowsPublicRepositories = next.allows;
        return { status: 200, body: runnerGroupShape(ctx.apiBase, group) };
      },
    },
    {
      method: "PUT",
      template: "/orgs/{org}/actions/runner-groups/{runner_group_id}/repositories",
      docs: `${DOCS}#set-repository-access-for-a-self-hosted-runner-group-in-an-organization`,
      auth: "any",
      handler: (ctx) => {
        const org = orgFor(ctx);
        const group = groupFor(ctx, org);
        if (ctx.body.selected_repository_ids === undefined) {
          throw invalidRequest(`"selected_repository_ids" wasn't supplied.`);
        }
        group.selectedRepositories = repoNames(org, ctx.body.selected_repository_ids);
        return { status: 204 };
      },
    },
  ];
}
