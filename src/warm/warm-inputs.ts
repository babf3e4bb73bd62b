import type { ManagedInstance } from "../aws/fleet.js";
import type { WarmInput, WarmInstance } from "../domain/plan-warm.js";
import { runnerNameOf } from "../domain/runner-name.js";
import { TAG } from "../domain/tags.js";
import { warmRoleOf } from "../domain/warm-role.js";
import type { GitHubRunner, OrgRef } from "../github/runners.js";
import type { Pool } from "../pool-file.js";
import type { Observation } from "../reaper/observe.js";
import { warmConfigOf } from "../warm-schema.js";

/** One warm decision's scope: runners are an org's, so each org a pool admits keeps the pool's level. */
export interface WarmUnit {
  pool: Pool;
  ref: OrgRef;
  input: WarmInput;
  /** Hot instance id → its GitHub runner, for removing the runner before the instance. */
  runners: ReadonlyMap<string, GitHubRunner>;
}

/**
 * The warm decisions' inputs from the reaper's observation (no second DescribeInstances): for each pool
 * with a `warm` key and each org it admits that has an installation and answered the runner listing,
 * the instances of that pool and org with a warm role, and how many of the pool's instances count
 * toward maxRunners (pending and running ones; stopped ones do not run).
 */
export function warmInputs(
  now: number,
  pools: readonly Pool[],
  observation: Observation,
  installations: readonly OrgRef[],
  runnerPrefix: string,
): WarmUnit[] {
  const unreachable = new Set(observation.unreachableOrgs.map((o) => o.toLowerCase()));
  const runnersByName = new Map(observation.runners.map((r) => [r.name, r]));
  const units: WarmUnit[] = [];
  for (const pool of pools) {
    if (!pool.warm) continue;
    const ofPool = observation.instances.filter((i) => i.tags[TAG.pool] === pool.name);
    const occupied = ofPool.filter((i) => i.state === "pending" || i.state === "running").length;
    const admitted = new Set((pool.allow?.orgs ?? []).map((o) => o.toLowerCase()));
    for (const ref of installations) {
      const org = ref.org.toLowerCase();
      if (!admitted.has(org) || unreachable.has(org)) continue;
      const runners = new Map<string, GitHubRunner>();
      const instances: WarmInstance[] = [];
      for (const i of ofPool) {
        if ((i.tags[TAG.org] ?? "").toLowerCase() !== org) continue;
        const role = warmRoleOf(i.tags).warm;
        if (!role) continue;
        const runner = runnersByName.get(runnerNameOf(runnerPrefix, i.instanceId));
        if (runner) runners.set(i.instanceId, runner);
        instances.push(warmInstance(i, role, runner));
      }
      const input: WarmInput = {
        now,
        pool: { name: pool.name, maxRunners: pool.maxRunners, warm: warmConfigOf(pool.warm) },
        instances,
        occupied,
      };
      units.push({ pool, ref, input, runners });
    }
  }
  return units;
}

function warmInstance(i: ManagedInstance, role: "hot" | "stopped", runner?: GitHubRunner): WarmInstance {
  // An offline runner is not ready; it is left to the reaper, which removes runners that stay offline.
  const state = runner?.busy ? "busy" : runner?.status === "online" ? "idle" : undefined;
  return {
    instanceId: i.instanceId,
    role,
    state: i.state,
    launchedAt: i.launchedAt,
    ...(state ? { runner: state } : {}),
  };
}
