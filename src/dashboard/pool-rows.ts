import type { ManagedInstance } from "../aws/fleet.js";
import type { MayflyEvent } from "../events/event-log.js";
import type { Pool } from "../pool-file.js";
import type { Observation } from "../reaper/observe.js";
import { fallbackCount, spotRow } from "./spot-row.js";
import { countStates, type StateCounts } from "./state-counts.js";
import type { FallbackCount, SpotRow } from "./view-rows.js";
import { waitingJobs } from "./waiting-jobs.js";
import type { WarmRow } from "./warm-levels.js";

/** Launch failures are counted over this window ("in the last hour"), so the number can fall again. */
export const FAILURE_WINDOW_MS = 3_600_000;

export interface PoolRow {
  name: string;
  labels: string[];
  instanceTypes: string[];
  market: Pool["market"];
  maxRunners: number;
  /** Instances that count against maxRunners: launching, booting, idle or busy (pending or running). */
  active: number;
  states: StateCounts;
  /** Approximate: see waiting-jobs.ts. */
  waitingJobs: number;
  launchFailures: number;
  lastError?: { at: number; message: string; reason?: string };
  /** Only for a pool with a `warm` key: see warm-levels.ts. */
  warm?: WarmRow;
  /** Only for a spot pool: its breaker and recent interruptions (spot-row.ts). */
  spot?: SpotRow;
  /** Launch requests that did not land on the first choice, in the last hour (one launch.fallback event each). */
  fallbacks: FallbackCount;
}

export function poolRows(input: {
  pools: readonly Pool[];
  observation: Observation;
  /** Instances warned of a spot interruption, terminated ones included: the breaker's input. */
  interrupted?: readonly ManagedInstance[];
  events: readonly MayflyEvent[];
  runnerPrefix: string;
  /** By pool name, for the pools with a `warm` key. */
  warm?: ReadonlyMap<string, WarmRow>;
  now: number;
}): PoolRow[] {
  const waiting = waitingJobs(input.events, input.now);
  const failures = input.events.filter((e) => e.kind === "launch.failed");
  return input.pools.map((pool) => {
    const states = countStates(input.observation, input.runnerPrefix, pool.name);
    const mine = failures.filter((e) => e.pool === pool.name);
    const last = mine.at(-1);
    const warm = input.warm?.get(pool.name);
    const spot = spotRow(pool, input.interrupted ?? [], input.now);
    return {
      name: pool.name,
      labels: [...pool.labels],
      instanceTypes: [...pool.instanceTypes],
      market: pool.market,
      maxRunners: pool.maxRunners,
      active: states.launching + states.booting + states.idle + states.busy,
      states,
      waitingJobs: waiting.get(pool.name) ?? 0,
      launchFailures: mine.filter((e) => input.now - e.at <= FAILURE_WINDOW_MS).length,
      lastError: last && { at: last.at, message: last.message, reason: last.reason },
      ...(warm ? { warm } : {}),
      ...(spot ? { spot } : {}),
      fallbacks: fallbackCount(pool.name, input.events, input.now, FAILURE_WINDOW_MS),
    };
  });
}
