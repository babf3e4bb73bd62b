import type { ExistingGroup, OrgRepo, RunnerGroupAction } from "../domain/plan-runner-groups.js";
import type { AuthInstallation, InstallationOctokit, OrgRef } from "./runners.js";
import { githubStatus, translateGitHubError } from "./translate-error.js";

/**
 * The org's runner groups and the installation's repositories, and the writes that make a group admit
 * what its pools allow (https://docs.github.com/en/rest/actions/self-hosted-runner-groups). Needs
 * `organization_self_hosted_runners: write`. Runner groups other than Default need GitHub Team or
 * Enterprise: GitHub refuses the write (403 or 422), which `apply` returns as "refused" with GitHub's
 * message so the checklist can show it.
 */
export interface RunnerGroups {
  list(ref: OrgRef): Promise<ExistingGroup[]>;
  /** The repositories the installation can see (GET /installation/repositories). */
  repositories(ref: OrgRef): Promise<OrgRepo[]>;
  apply(ref: OrgRef, action: RunnerGroupAction): Promise<ApplyResult>;
}

export type ApplyResult = { result: "done" } | { result: "refused"; status: number; message: string };

/** Every runner group of the org, as GitHub lists it (shared with runners.ts's id lookup). */
export async function listRunnerGroupsRaw(octokit: InstallationOctokit, org: string) {
  return octokit.paginate("GET /orgs/{org}/actions/runner-groups", { org, per_page: 100 });
}

export function createRunnerGroups(options: { auth: AuthInstallation; now?: () => number }): RunnerGroups {
  const now = options.now ?? Date.now;
  const fail = (error: unknown): never => {
    throw translateGitHubError(error, now) ?? error;
  };
  return {
    async list(ref) {
      const octokit = await options.auth(ref.installationId);
      try {
        const groups = await listRunnerGroupsRaw(octokit, ref.org);
        return await Promise.all(
          groups.map(async (g) => ({
            id: g.id,
            name: g.name,
            visibility: g.visibility as ExistingGroup["visibility"],
            allowsPublicRepositories: g.allows_public_repositories ?? false,
            isDefault: g.default ?? false,
            selectedRepositoryIds:
              g.visibility === "selected"
                ? (
                    await octokit.paginate(
                      "GET /orgs/{org}/actions/runner-groups/{runner_group_id}/repositories",
                      {
                        org: ref.org,
                        runner_group_id: g.id,
                        per_page: 100,
                      },
                    )
                  ).map((r) => r.id)
                : [],
          })),
        );
      } catch (error) {
        return fail(error);
      }
    },

    async repositories(ref) {
      const octokit = await options.auth(ref.installationId);
      try {
        const repos = await octokit.paginate("GET /installation/repositories", { per_page: 100 });
        return repos.map((r) => ({
          id: r.id,
          fullName: r.full_name,
          visibility: (r.visibility ?? (r.private ? "private" : "public")) as OrgRepo["visibility"],
        }));
      } catch (error) {
        return fail(error);
      }
    },

    async apply(ref, action) {
      if (action.kind === "keep") return { result: "done" };
      const octokit = await options.auth(ref.installationId);
      try {
        if (action.kind === "create") {
          await octokit.request("POST /orgs/{org}/actions/runner-groups", {
            org: ref.org,
            name: action.name,
            visibility: action.visibility,
            allows_public_repositories: action.allowsPublicRepositories,
            ...(action.visibility === "selected"
              ? { selected_repository_ids: action.selectedRepositoryIds }
              : {}),
          });
          return { result: "done" };
        }
        if (action.patch) {
          await octokit.request("PATCH /orgs/{org}/actions/runner-groups/{runner_group_id}", {
            org: ref.org,
            runner_group_id: action.id,
            // The schema requires `name`; sending the group's own name leaves it (and Default) as it is.
            name: action.name,
            visibility: action.patch.visibility,
            allows_public_repositories: action.patch.allowsPublicRepositories,
          });
        }
        if (action.selectedRepositoryIds) {
          await octokit.request("PUT /orgs/{org}/actions/runner-groups/{runner_group_id}/repositories", {
            org: ref.org,
            runner_group_id: action.id,
            selected_repository_ids: action.selectedRepositoryIds,
          });
        }
        return { result: "done" };
      } catch (error) {
        const status = githubStatus(error);
        if ((status === 403 || status === 422) && !translateGitHubError(error, now)) {
          return { result: "refused", status, message: messageOf(error) };
        }
        return fail(error);
      }
    },
  };
}

/** GitHub's own message (the JSON body's `message`), not Octokit's decorated one. */
function messageOf(error: unknown): string {
  const data = (error as { response?: { data?: { message?: unknown } } }).response?.data;
  return typeof data?.message === "string" ? data.message : String((error as Error).message);
}
