import type { Fleet, ManagedInstance } from "../aws/fleet.js";
import { TAG } from "../domain/tags.js";
import type { Installations } from "../github/installations.js";
import type { GitHubRunner, OrgRef, Runners } from "../github/runners.js";

/**
 * One look at what exists: every org's Mayfly runners, then this deployment's instances. Runners are
 * listed first on purpose: an instance is always launched before its runner registers, so every runner
 * seen here has its instance in the (later) instance listing, and a fresh runner is never mistaken for
 * an orphan. Orgs whose runner listing failed are reported, and their instances left out, so a GitHub
 * outage can never make busy runners look absent.
 */
export interface Observation {
  at: number;
  instances: ManagedInstance[];
  runners: Array<GitHubRunner & { ref: OrgRef }>;
  unreachableOrgs: string[];
}

/** One look at what exists, as above. */
export type Observe = () => Promise<Observation>;

export function createObserver(deps: {
  fleet: Fleet;
  runners: Runners;
  installations: Installations;
  runnerPrefix: string;
  now?: () => number;
}): Observe {
  const now = deps.now ?? Date.now;
  return async function observe(): Promise<Observation> {
    const installs = await deps.installations.list();
    const listed = await Promise.allSettled(
      installs.map(async (i) => {
        const ref = { installationId: i.installationId, org: i.org };
        const runners = await deps.runners.list(ref, deps.runnerPrefix);
        return runners.map((r) => ({ ...r, ref }));
      }),
    );
    const unreachableOrgs = installs.filter((_, k) => listed[k]?.status === "rejected").map((i) => i.org);
    const runners = listed.flatMap((r) => (r.status === "fulfilled" ? r.value : []));
    const all = await deps.fleet.list();
    const unreachable = new Set(unreachableOrgs);
    const instances = all.filter((i) => !unreachable.has(i.tags[TAG.org] ?? ""));
    return { at: now(), instances, runners, unreachableOrgs };
  };
}
