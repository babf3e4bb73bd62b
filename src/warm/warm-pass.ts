import type { Fleet } from "../aws/fleet.js";
import { planWarm, type WarmPlan } from "../domain/plan-warm.js";
import { LaunchTokenReusedError, RunnerBusyError } from "../errors.js";
import type { Installations } from "../github/installations.js";
import type { Runners } from "../github/runners.js";
import type { Metrics } from "../metrics.js";
import type { Pool } from "../pool-file.js";
import type { Observation } from "../reaper/observe.js";
import type { Report } from "../report/report.js";
import { type WarmUnit, warmInputs } from "./warm-inputs.js";
import { launchWarm, type WarmLaunchDeps, warmLaunchKey } from "./warm-launch.js";

export interface WarmPassDeps extends WarmLaunchDeps {
  fleet: Fleet;
  runners: Pick<Runners, "remove">;
  installations: Pick<Installations, "list">;
  pools: readonly Pool[];
  runnerPrefix: string;
  report: Report;
  metrics: Metrics;
  now?: () => number;
}

export interface WarmPassResult {
  pool: string;
  org: string;
  plan: WarmPlan;
}

/**
 * One level-triggered warm pass over an observation (issue 13): for each pool and org, planWarm decides
 * and this applies it. A hot runner is removed from GitHub before its instance is terminated, and one
 * that took a job meanwhile (GitHub's 422) is left alone, as the reaper does. A failed launch or removal
 * is reported and retried by the next pass; nothing is remembered in between.
 */
export function createWarmPass(deps: WarmPassDeps) {
  const now = deps.now ?? Date.now;
  /** Launch keys this process has spent, and how often (see warmLaunchKey). */
  const spent = new Map<string, number>();
  return async function warmPass(observation: Observation): Promise<WarmPassResult[]> {
    if (!deps.pools.some((p) => p.warm)) return [];
    const installations = await deps.installations.list();
    const units = warmInputs(now(), deps.pools, observation, installations, deps.runnerPrefix);
    const results = units.map((unit) => ({
      pool: unit.pool.name,
      org: unit.ref.org,
      plan: planWarm(unit.input),
    }));
    gauge(deps.metrics, results);
    for (const [i, unit] of units.entries())
      await apply(deps, unit, (results[i] as WarmPassResult).plan, now(), spent);
    return results;
  };
}
export type WarmPass = ReturnType<typeof createWarmPass>;

async function apply(
  deps: WarmPassDeps,
  unit: WarmUnit,
  plan: WarmPlan,
  at: number,
  spent: Map<string, number>,
): Promise<void> {
  const { pool, ref } = unit;
  for (const action of plan.actions) {
    if (action.kind === "launch") {
      const known = unit.input.instances.filter((i) => i.role === action.role).map((i) => i.instanceId);
      const key = warmLaunchKey(pool, ref, action.role, known, at);
      const salt = spent.get(key) ?? 0;
      const spend = () => {
        spent.delete(key);
        spent.set(key, salt + 1);
        if (spent.size > 1_000) spent.delete(spent.keys().next().value as string);
      };
      try {
        const launched = await launchWarm(deps, pool, ref, action.role, action.count, known, at, salt);
        spend();
        deps.report("warm.launched", {
          pool: pool.name,
          role: action.role,
          org: ref.org,
          count: launched.length,
          message: `launched ${launched.length} ${action.role}: ${action.reason}`,
        });
      } catch (error) {
        // Another replica launched with this token, or this observation came back: the next pass asks
        // with a new one (if that launch shows by then, the observation changes anyway).
        if (error instanceof LaunchTokenReusedError) spend();
        deps.report("launch.failed", {
          pool: pool.name,
          reason: (error as { code?: string }).code ?? (error as Error).name,
          org: ref.org,
          message: `warm ${action.role} launch failed: ${(error as Error).message}`,
          err: error,
        });
      }
      continue;
    }
    const runner = unit.runners.get(action.instanceId);
    try {
      if (runner) await deps.runners.remove(ref, runner.id);
      await deps.fleet.terminate([action.instanceId]);
      deps.report("warm.removed", {
        pool: pool.name,
        role: action.role,
        reason: action.reason,
        instanceId: action.instanceId,
        org: ref.org,
        message: `${action.reason}: ${action.detail}`,
      });
    } catch (error) {
      if (error instanceof RunnerBusyError) continue; // It took a job: an ordinary runner now.
      deps.report("error", {
        pool: pool.name,
        instanceId: action.instanceId,
        message: `warm removal failed: ${(error as Error).message}`,
        err: error,
      });
    }
  }
}

/**
 * The levels this pass decided on, per pool, org and role. Reset first, in the same tick as the sets
 * (a scrape sees the old set or the new one), so an org that left (uninstalled, no longer admitted, or
 * unreachable this pass) has no stale series.
 */
function gauge(metrics: Metrics, results: readonly WarmPassResult[]): void {
  metrics.warmLevel.reset();
  for (const { pool, org, plan } of results)
    for (const role of ["hot", "stopped"] as const) {
      metrics.warmLevel.set({ pool, org, role, kind: "target" }, plan.target[role]);
      metrics.warmLevel.set({ pool, org, role, kind: "ready" }, plan.ready[role]);
      metrics.warmLevel.set({ pool, org, role, kind: "coming" }, plan.coming[role]);
    }
}
