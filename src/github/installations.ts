import type { ProbotOctokit } from "probot";
import { translateGitHubError } from "./translate-error.js";

/**
 * The orgs the App is installed on, for the reaper's sweep (it must see every org's runners, not only
 * those that sent webhooks recently). App-JWT authenticated; cached because it rarely changes.
 */
export interface Installation {
  installationId: number;
  org: string;
}

export function createInstallations(options: {
  appOctokit: () => Promise<InstanceType<typeof ProbotOctokit>>;
  cacheMs?: number;
  now?: () => number;
}) {
  const now = options.now ?? Date.now;
  const cacheMs = options.cacheMs ?? 5 * 60_000;
  let cached: { at: number; list: Installation[] } | undefined;
  return {
    async list(): Promise<Installation[]> {
      if (cached && now() - cached.at < cacheMs) return cached.list;
      const octokit = await options.appOctokit();
      try {
        const all = await octokit.paginate("GET /app/installations", { per_page: 100 });
        const list = all
          .filter((i) => i.account && "login" in i.account && i.target_type === "Organization")
          .map((i) => ({ installationId: i.id, org: (i.account as { login: string }).login }));
        cached = { at: now(), list };
        return list;
      } catch (error) {
        throw translateGitHubError(error, now) ?? error;
      }
    },
  };
}
export type Installations = ReturnType<typeof createInstallations>;
