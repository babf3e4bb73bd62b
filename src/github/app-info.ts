import type { ProbotOctokit } from "probot";

/**
 * What the setup checklist asks GitHub about the App itself (App JWT): the App, its installations with
 * the permissions granted, and its org runner groups (installation token).
 * https://docs.github.com/en/rest/apps/apps
 */
export interface AppInfo {
  app(): Promise<{ slug: string; name: string; permissions: Record<string, string> }>;
  installations(): Promise<{ id: number; org: string; permissions: Record<string, string> }[]>;
  runnerGroups(installationId: number, org: string): Promise<string[]>;
}

type Octokit = InstanceType<typeof ProbotOctokit>;

export function createAppInfo(deps: {
  appOctokit: () => Promise<Octokit>;
  auth: (installationId: number) => Promise<Octokit>;
}): AppInfo {
  return {
    async app() {
      const { data } = await (await deps.appOctokit()).request("GET /app");
      return {
        slug: data?.slug ?? "",
        name: data?.name ?? "",
        permissions: { ...(data?.permissions as Record<string, string>) },
      };
    },
    async installations() {
      const octokit = await deps.appOctokit();
      const all = await octokit.paginate("GET /app/installations", { per_page: 100 });
      return all.map((i) => ({
        id: i.id,
        org: i.account && "login" in i.account ? i.account.login : "",
        permissions: { ...(i.permissions as Record<string, string>) },
      }));
    },
    async runnerGroups(installationId, org) {
      const octokit = await deps.auth(installationId);
      const { data } = await octokit.request("GET /orgs/{org}/actions/runner-groups", { org, per_page: 100 });
      return data.runner_groups.map((g) => g.name);
    },
  };
}
