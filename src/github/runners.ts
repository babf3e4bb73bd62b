import type { ProbotOctokit } from "probot";
import { ConfigError, RunnerBusyError, RunnerExistsError } from "../errors.js";
import type { AppIdentity } from "./app-identity.js";
import { createIdentityPicker } from "./identity-picker.js";
import { listRunnerGroupsRaw } from "./runner-groups.js";
import { githubStatus, translateGitHubError } from "./translate-error.js";

/**
 * The narrow slice of GitHub's self-hosted runner API Mayfly uses, for org-level runners
 * (https://docs.github.com/en/rest/actions/self-hosted-runners). Needs the App permission
 * `organization_self_hosted_runners: write`.
 */

export type InstallationOctokit = InstanceType<typeof ProbotOctokit>;
export type AuthInstallation = (installationId: number) => Promise<InstallationOctokit>;

export interface OrgRef {
  installationId: number;
  org: string;
}

export interface GitHubRunner {
  id: number;
  name: string;
  status: "online" | "offline";
  busy: boolean;
  labels: string[];
}

export interface Runners {
  /** Creates a JIT runner. Throws RunnerExistsError when the name is taken (GitHub's 409). */
  createJitConfig(
    ref: OrgRef,
    runner: { name: string; labels: readonly string[]; runnerGroupId: number },
    /**
     * Aborting gives up the wait for the write budget; a request already sent is never cut off.
     * `beforeSend` runs after that wait, right before the request goes; if it throws, nothing is sent.
     */
    options?: { signal?: AbortSignal; beforeSend?: () => Promise<void> },
  ): Promise<{ runnerId: number; encodedJitConfig: string }>;
  /** The org's runners whose name starts with `prefix`. */
  list(ref: OrgRef, prefix: string): Promise<GitHubRunner[]>;
  /** Removes a runner; "absent" when it is already gone. Throws RunnerBusyError while it runs a job (422). */
  remove(ref: OrgRef, runnerId: number): Promise<"removed" | "absent">;
  /** The org's runner with exactly this name, if any (one call: the list endpoint's `name` filter). */
  find(ref: OrgRef, name: string): Promise<GitHubRunner | undefined>;
  /** Resolves a runner group name to its id (cached). */
  runnerGroupId(ref: OrgRef, name: string): Promise<number>;
}

export function createGitHubRunners(options: {
  auth: AuthInstallation;
  /**
   * The App identities JIT configs are spread over (default: the default identity alone). Runners are
   * org-level, so whichever identity created one, the default identity lists and removes it.
   */
  jitIdentities?: readonly AppIdentity[];
  groupCacheMs?: number;
  now?: () => number;
}): Runners {
  const now = options.now ?? Date.now;
  const groupCacheMs = options.groupCacheMs ?? 10 * 60_000;
  /** Per org: one listing of its runner groups serves every pool's group name (several pools, one call). */
  const groups = new Map<string, { list: Promise<{ id: number; name: string }[]>; at: number }>();
  const fail = (error: unknown): never => {
    throw translateGitHubError(error, now) ?? error;
  };
  const picker = createIdentityPicker(
    options.jitIdentities ?? [{ appId: 0, installation: (ref: OrgRef) => options.auth(ref.installationId) }],
  );
  /** The least busy identity installed on the org, held until `release`. */
  const choose = async (ref: OrgRef) => {
    const skip = new Set<number>();
    for (;;) {
      const pick = picker.acquire(skip);
      if (!pick) throw new Error(`no App identity is installed on org ${ref.org}`);
      try {
        const octokit = await pick.item.installation(ref);
        if (octokit) return { octokit, release: pick.release };
      } catch (error) {
        pick.release();
        throw error;
      }
      pick.release();
      skip.add(pick.index);
    }
  };

  return {
    async createJitConfig(ref, runner, call) {
      const { octokit, release } = await choose(ref);
      try {
        const { data } = await octokit.request("POST /orgs/{org}/actions/runners/generate-jitconfig", {
          org: ref.org,
          name: runner.name,
          runner_group_id: runner.runnerGroupId,
          labels: [...runner.labels],
          request: { signal: call?.signal, beforeSend: call?.beforeSend } as { signal?: AbortSignal },
        });
        return { runnerId: data.runner.id, encodedJitConfig: data.encoded_jit_config };
      } catch (error) {
        if (githubStatus(error) === 409) {
          throw new RunnerExistsError(`a runner named ${runner.name} already exists in ${ref.org}`, {
            cause: error,
          });
        }
        return fail(error);
      } finally {
        release();
      }
    },

    async list(ref, prefix) {
      const octokit = await options.auth(ref.installationId);
      try {
        const runners = await octokit.paginate("GET /orgs/{org}/actions/runners", {
          org: ref.org,
          per_page: 100,
        });
        return runners.filter((r) => r.name.startsWith(prefix)).map(toRunner);
      } catch (error) {
        return fail(error);
      }
    },

    async find(ref, name) {
      const octokit = await options.auth(ref.installationId);
      try {
        const { data } = await octokit.request("GET /orgs/{org}/actions/runners", {
          org: ref.org,
          name,
          per_page: 10,
        });
        const r = data.runners.find((runner) => runner.name === name);
        return r && toRunner(r);
      } catch (error) {
        return fail(error);
      }
    },

    async remove(ref, runnerId) {
      const octokit = await options.auth(ref.installationId);
      try {
        await octokit.request("DELETE /orgs/{org}/actions/runners/{runner_id}", {
          org: ref.org,
          runner_id: runnerId,
        });
        return "removed";
      } catch (error) {
        const status = githubStatus(error);
        if (status === 404) return "absent";
        if (status === 422)
          throw new RunnerBusyError(`runner ${runnerId} is running a job`, { cause: error });
        return fail(error);
      }
    },

    async runnerGroupId(ref, name) {
      // One listing per org at a time: a burst of enrolments with a cold cache, for any pool, shares it.
      const key = ref.org.toLowerCase();
      let cached = groups.get(key);
      if (!cached || now() - cached.at >= groupCacheMs) {
        const list = (async () => {
          const octokit = await options.auth(ref.installationId);
          try {
            return await listRunnerGroupsRaw(octokit, ref.org);
          } catch (error) {
            return fail(error);
          }
        })();
        cached = { list, at: now() };
        groups.set(key, cached);
        list.catch(() => groups.delete(key));
      }
      const mine = cached;
      const group = (await mine.list).find((g) => g.name.toLowerCase() === name.toLowerCase());
      if (!group) {
        // Listed again on the next attempt: the admin may create the group meanwhile.
        if (groups.get(key) === mine) groups.delete(key);
        throw new ConfigError([
          {
            key: "pools[].runnerGroup",
            problem: `runner group "${name}" does not exist in org ${ref.org}`,
            fix: `create it (Settings → Actions → Runner groups) or name an existing group in the pool file`,
          },
        ]);
      }
      return group.id;
    },
  };
}

/** GitHub's runner shape, narrowed to what Mayfly reads. */
function toRunner(r: {
  id: number;
  name: string;
  status: string;
  busy: boolean;
  labels: ReadonlyArray<{ name: string }>;
}): GitHubRunner {
  return {
    id: r.id,
    name: r.name,
    status: r.status === "online" ? "online" : "offline",
    busy: r.busy,
    labels: r.labels.map((l) => l.name),
  };
}
