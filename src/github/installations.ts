import type { ProbotOctokit } from "probot";
import { githubStatus, translateGitHubError } from "./translate-error.js";

/**
 * The orgs the App is installed on, for the reaper's sweep (it must see every org's runners, not only
 * those that sent webhooks recently). App-JWT authenticated; cached because it rarely changes.
 */
export interface Installation {
  installationId: number;
  org: string;
}

export interface Installations {
  /** Every org installation of the App (cached for `cacheMs`). */
  list(): Promise<Installation[]>;
  /** One installation by id (one App-JWT GET), or undefined when the App has no such installation. */
  get(installationId: number): Promise<Installation | undefined>;
}

export function createInstallations(options: {
  appOctokit: () => Promise<InstanceType<typeof ProbotOctokit>>;
  cacheMs?: number;
  now?: () => number;
}): Installations {
  const now = options.now ?? Date.now;
  const cacheMs = options.cacheMs ?? 5 * 60_000;
  let cached: { at: number; list: Installation[] } | undefined;
  /** One listing at a time: callers that arrive while it is in flight share it (startup asks several times). */
  let listing: Promise<Installation[]> | undefined;
  async function fetchList(): Promise<Installation[]> {
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
  }
  return {
    async list(): Promise<Installation[]> {
      if (cached && now() - cached.at < cacheMs) return cached.list;
      listing ??= fetchList().finally(() => {
        listing = undefined;
      });
      return listing;
    },
    // https://docs.github.com/en/rest/apps/apps#get-an-installation-for-the-authenticated-app
    async get(installationId) {
      const octokit = await options.appOctokit();
      try {
        const { data } = await octokit.request("GET /app/installations/{installation_id}", {
          installation_id: installationId,
        });
        const login = data.account && "login" in data.account ? data.account.login : undefined;
        return login && data.target_type === "Organization"
          ? { installationId: data.id, org: login }
          : undefined;
      } catch (error) {
        if (githubStatus(error) === 404) return undefined;
        throw translateGitHubError(error, now) ?? error;
      }
    },
  };
}
