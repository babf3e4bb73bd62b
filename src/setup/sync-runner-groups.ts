import {
  planRunnerGroups,
  type RunnerGroupAction,
  type RunnerGroupPool,
} from "../domain/plan-runner-groups.js";
import type { Installations } from "../github/installations.js";
import type { RunnerGroups } from "../github/runner-groups.js";
import type { Report } from "../report/report.js";

/**
 * Makes each org's runner groups admit exactly what their pools allow (issue 12, item 3): at start,
 * every few minutes, and after an installation or repository event. The last pass's outcome is kept
 * for the setup checklist.
 */
export interface GroupOutcome {
  org: string;
  group: string;
  pools: string[];
  status: "ok" | "changed" | "refused" | "failed";
  detail: string;
  fix?: string;
}

export interface RunnerGroupSync {
  run(): Promise<GroupOutcome[]>;
  /** The last pass's outcomes; undefined before the first pass ends. */
  last(): GroupOutcome[] | undefined;
}

export const REFUSED_FIX =
  "runner groups other than Default need GitHub Team or Enterprise: upgrade the org's plan, or set the pool's runnerGroup to Default; also check that the App has organization_self_hosted_runners: write";

export function createRunnerGroupSync(deps: {
  pools: readonly RunnerGroupPool[];
  installations: Pick<Installations, "list">;
  groups: RunnerGroups;
  report: Report;
}): RunnerGroupSync {
  let last: GroupOutcome[] | undefined;
  let running: Promise<GroupOutcome[]> | undefined;
  const syncOrg = async (ref: { installationId: number; org: string }): Promise<GroupOutcome[]> => {
    const [repos, existing] = await Promise.all([deps.groups.repositories(ref), deps.groups.list(ref)]);
    const actions = planRunnerGroups(deps.pools, ref.org, repos, existing);
    const out: GroupOutcome[] = [];
    for (const action of actions) out.push(await applyOne(ref, action));
    return out;
  };
  const applyOne = async (ref: { installationId: number; org: string }, action: RunnerGroupAction) => {
    const base = { org: ref.org, group: action.name, pools: action.pools };
    if (action.kind === "keep") return { ...base, status: "ok" as const, detail: action.reason };
    const applied = await deps.groups.apply(ref, action);
    if (applied.result === "refused") {
      const detail = `GitHub refused to ${action.kind} the group (HTTP ${applied.status}: ${applied.message})`;
      deps.report("runner-group.refused", {
        message: `${ref.org}/${action.name}: ${detail}`,
        org: ref.org,
        reason: String(applied.status),
      });
      return { ...base, status: "refused" as const, detail, fix: REFUSED_FIX };
    }
    const verb = action.kind === "create" ? "created" : "updated";
    deps.report("runner-group.changed", {
      message: `runner group ${action.name} ${verb} on ${ref.org}: ${action.reason}`,
      org: ref.org,
      reason: verb,
    });
    return { ...base, status: "changed" as const, detail: `${verb}: ${action.reason}` };
  };
  const pass = async () => {
    const outcomes: GroupOutcome[] = [];
    for (const ref of await deps.installations.list()) {
      try {
        outcomes.push(...(await syncOrg(ref)));
      } catch (error) {
        outcomes.push({
          org: ref.org,
          group: "*",
          pools: [],
          status: "failed",
          detail: `could not read or change the org's runner groups (${(error as Error).message})`,
          fix: "the next sync retries; check the App's organization_self_hosted_runners permission",
        });
      }
    }
    last = outcomes;
    return outcomes;
  };
  return {
    // Passes never overlap: a webhook-triggered run during a periodic one shares it.
    run() {
      running ??= pass().finally(() => {
        running = undefined;
      });
      return running;
    },
    last: () => last,
  };
}
