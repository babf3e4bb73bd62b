import { planWarm, type WarmPlan } from "../domain/plan-warm.js";
import type { WarmLevel } from "../domain/warm-schedule.js";
import type { OrgRef } from "../github/runners.js";
import type { Pool } from "../pool-file.js";
import type { Observation } from "../reaper/observe.js";
import { warmInputs } from "../warm/warm-inputs.js";

export interface WarmClaims {
  hot: number;
  stopped: number;
  miss: number;
}

/** A warm pool's level as the warm loop sees it: its target, and the actual (ready + coming). */
export interface WarmRow {
  /** Summed over `orgs`: each org the pool admits (and the App is installed on) keeps the pool's level. */
  target: WarmLevel & { reason: string };
  /** Idle hot runners, stopped instances. */
  ready: WarmLevel;
  /** Hot instances not yet registered, stopped ones still in their warm-up boot. */
  coming: WarmLevel;
  orgs: number;
  /** Queued jobs served hot or stopped (warm hits) or cold (misses), counted by this replica since it started. */
  claims: WarmClaims;
}

/**
 * The warm row of each pool with a `warm` key, from the same inputs and the same pure decision as the
 * warm loop (src/warm/warm-pass.ts), so the dashboard and the loop cannot disagree on what is ready.
 */
export function warmLevels(input: {
  pools: readonly Pool[];
  observation: Observation;
  installations: readonly OrgRef[];
  runnerPrefix: string;
  claims: ReadonlyMap<string, WarmClaims>;
  now: number;
}): Map<string, WarmRow> {
  const rows = new Map<string, WarmRow>();
  for (const pool of input.pools) {
    if (!pool.warm) continue;
    const units = warmInputs(input.now, [pool], input.observation, input.installations, input.runnerPrefix);
    const plans: WarmPlan[] = units.map((u) => planWarm(u.input));
    const sum = (pick: (p: WarmPlan) => WarmLevel): WarmLevel => ({
      hot: plans.reduce((n, p) => n + pick(p).hot, 0),
      stopped: plans.reduce((n, p) => n + pick(p).stopped, 0),
    });
    rows.set(pool.name, {
      target: { ...sum((p) => p.target), reason: plans[0]?.target.reason ?? "no installed org" },
      ready: sum((p) => p.ready),
      coming: sum((p) => p.coming),
      orgs: plans.length,
      claims: input.claims.get(pool.name) ?? { hot: 0, stopped: 0, miss: 0 },
    });
  }
  return rows;
}
