import type { ProbotOctokit } from "probot";
import type { AuthInstallation, InstallationOctokit, OrgRef } from "./runners.js";
import { githubStatus, translateGitHubError } from "./translate-error.js";

/**
 * One GitHub App identity that can issue JIT configs: its own App JWT, its own installation on each org,
 * its own installation tokens (Probot caches them per installation) and its own write budget (its own
 * Octokit class). The default identity is the App that receives webhooks; its installation id comes with
 * every request. An extra identity finds its installation on an org once
 * (`GET /orgs/{org}/installation`, App JWT; https://docs.github.com/en/rest/apps/apps#get-an-organization-installation-for-the-authenticated-app).
 */
export interface AppIdentity {
  appId: number;
  /** This identity's installation Octokit for the org; undefined when the App is not installed there. */
  installation(ref: OrgRef): Promise<InstallationOctokit | undefined>;
}

export function defaultIdentity(appId: number, auth: AuthInstallation): AppIdentity {
  return { appId, installation: (ref) => auth(ref.installationId) };
}

export function extraIdentity(options: {
  appId: number;
  appOctokit: () => Promise<InstanceType<typeof ProbotOctokit>>;
  auth: AuthInstallation;
  now?: () => number;
  /** How long "not installed on this org" is believed (an install may follow). */
  absentCacheMs?: number;
}): AppIdentity {
  const now = options.now ?? Date.now;
  const absentCacheMs = options.absentCacheMs ?? 5 * 60_000;
  const installations = new Map<string, { id: Promise<number | undefined>; at: number }>();
  const lookup = async (org: string): Promise<number | undefined> => {
    const octokit = await options.appOctokit();
    try {
      const { data } = await octokit.request("GET /orgs/{org}/installation", { org });
      return data.id;
    } catch (error) {
      if (githubStatus(error) === 404) return undefined;
      throw translateGitHubError(error, now) ?? error;
    }
  };
  return {
    appId: options.appId,
    async installation(ref) {
      const key = ref.org.toLowerCase();
      let entry = installations.get(key);
      if (entry && (await entry.id) === undefined && now() - entry.at >= absentCacheMs) entry = undefined;
      if (!entry) {
        // One lookup per org at a time: a burst of enrolments shares it; a failure is not remembered.
        entry = { id: lookup(ref.org), at: now() };
        installations.set(key, entry);
        entry.id.catch(() => installations.delete(key));
      }
      const id = await entry.id;
      return id === undefined ? undefined : options.auth(id);
    },
  };
}
